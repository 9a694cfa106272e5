-- Back to the UTC day of each instant (the same rules as up.sql, the other way).
CREATE TEMPORARY TABLE moved AS
SELECT e.id,
       CASE WHEN i.id IS NOT NULL AND e.posting_date = business_day(i.posted_at, c.time_zone)
            THEN (i.posted_at AT TIME ZONE 'UTC')::date
            ELSE (e.created_at AT TIME ZONE 'UTC')::date END
         - e.posting_date AS shift
FROM loyalty_point_entries e
JOIN companies c ON c.id = e.company_id
LEFT JOIN invoices i ON i.id = e.invoice_id
WHERE e.kind <> 'expire'
  AND ((i.id IS NOT NULL AND e.posting_date = business_day(i.posted_at, c.time_zone))
       OR e.posting_date = business_day(e.created_at, c.time_zone));

UPDATE loyalty_point_entries e
SET posting_date = e.posting_date + m.shift, expiry_date = e.expiry_date + m.shift
FROM moved m
WHERE m.id = e.id AND m.shift <> 0;

DROP TABLE moved;

UPDATE loyalty_point_entries x
SET posting_date = CASE WHEN x.posting_date = x.expiry_date + 1 THEN credit.expiry_date + 1
                        WHEN x.posting_date = business_day(x.created_at, c.time_zone)
                        THEN (x.created_at AT TIME ZONE 'UTC')::date
                        ELSE x.posting_date END,
    expiry_date = credit.expiry_date
FROM loyalty_point_entries credit, companies c
WHERE x.kind = 'expire' AND credit.id = x.against_entry_id AND c.id = x.company_id
  AND credit.expiry_date IS DISTINCT FROM x.expiry_date;

DROP FUNCTION business_day(timestamptz, text);
