DELETE FROM imports WHERE kind <> 'customers';
ALTER TABLE imports DROP COLUMN kind;
ALTER INDEX imports_created_by_idx RENAME TO customer_imports_created_by_idx;
ALTER TABLE imports RENAME TO customer_imports;
DROP TABLE items;
DROP FUNCTION items_touch();
DROP TABLE brands;
DROP TABLE item_groups;
