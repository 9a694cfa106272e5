-- One business day, the company's: the SQL twin of `Clock::date` in the rules crate, and the
-- loyalty ledger's stored days moved from the UTC day of each instant to the company's day.

CREATE FUNCTION business_day(at timestamptz, zone text) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (at AT TIME ZONE zone)::date;

-- An entry of a sale (earn, redeem, bonus, a return's) was filed under the UTC day of the sale;
-- one written at a moment (an adjustment, a cancel, a forfeit, an opening balance) under the UTC
-- day of that moment. Each moves to the company's day of the same instant, and a credit's expiry
-- moves with it.
CREATE TEMPORARY TABLE moved AS
SELECT e.id,
       CASE WHEN i.id IS NOT NULL AND e.posting_date = (i.posted_at AT TIME ZONE 'UTC')::date
            THEN business_day(i.posted_at, c.time_zone)
            ELSE business_day(e.created_at, c.time_zone) END
         - e.posting_date AS shift
FROM loyalty_point_entries e
JOIN companies c ON c.id = e.company_id
LEFT JOIN invoices i ON i.id = e.invoice_id
WHERE e.kind <> 'expire'
  AND ((i.id IS NOT NULL AND e.posting_date = (i.posted_at AT TIME ZONE 'UTC')::date)
       OR e.posting_date = (e.created_at AT TIME ZONE 'UTC')::date);

UPDATE loyalty_point_entries e
SET posting_date = e.posting_date + m.shift, expiry_date = e.expiry_date + m.shift
FROM moved m
WHERE m.id = e.id AND m.shift <> 0;

DROP TABLE moved;

-- Expire entries follow their credit: the run's entry falls the day after the expiry, a
-- forfeit on the company's day it was written.
UPDATE loyalty_point_entries x
SET posting_date = CASE WHEN x.posting_date = x.expiry_date + 1 THEN credit.expiry_date + 1
                        WHEN x.posting_date = (x.created_at AT TIME ZONE 'UTC')::date
                        THEN business_day(x.created_at, c.time_zone)
                        ELSE x.posting_date END,
    expiry_date = credit.expiry_date
FROM loyalty_point_entries credit, companies c
WHERE x.kind = 'expire' AND credit.id = x.against_entry_id AND c.id = x.company_id
  AND credit.expiry_date IS DISTINCT FROM x.expiry_date;
