DROP TABLE account_payments;
DROP TABLE invoice_payments;
DROP TABLE invoice_lines;
DROP TABLE invoices;
