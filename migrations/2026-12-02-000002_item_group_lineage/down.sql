DROP TRIGGER item_groups_lineage_down ON item_groups;
DROP TRIGGER item_groups_lineage ON item_groups;
DROP FUNCTION patron_item_group_lineage_down();
DROP FUNCTION patron_item_group_lineage();
ALTER TABLE item_groups DROP COLUMN lineage;
