DROP INDEX customers_surname_idx;
