-- Every item group carries its lineage: its own id, then its ancestors' up to the root. A sale
-- resolves each line's item group with its ancestors (offers and reports match on them) in the
-- same cached statement that reads the items, instead of a recursive query per sale. Triggers
-- keep it right however a group is written: a group's lineage follows its parent's, and a move
-- carries down to its descendants.
ALTER TABLE item_groups ADD COLUMN lineage bigint[] NOT NULL DEFAULT '{}';

CREATE FUNCTION patron_item_group_lineage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.lineage := ARRAY[NEW.id]
        || COALESCE((SELECT lineage FROM item_groups WHERE id = NEW.parent_id), '{}');
    RETURN NEW;
END $$;

CREATE TRIGGER item_groups_lineage BEFORE INSERT OR UPDATE OF parent_id ON item_groups
    FOR EACH ROW EXECUTE FUNCTION patron_item_group_lineage();

-- Touching the children's parent_id fires their own lineage trigger, and so on down the tree.
CREATE FUNCTION patron_item_group_lineage_down() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE item_groups SET parent_id = parent_id WHERE parent_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER item_groups_lineage_down AFTER UPDATE OF parent_id ON item_groups
    FOR EACH ROW WHEN (OLD.lineage IS DISTINCT FROM NEW.lineage)
    EXECUTE FUNCTION patron_item_group_lineage_down();

-- The groups there are now, parents before children.
WITH RECURSIVE tree(id, lineage) AS (
    SELECT id, ARRAY[id] FROM item_groups WHERE parent_id IS NULL
    UNION ALL
    SELECT g.id, g.id || tree.lineage FROM item_groups g JOIN tree ON g.parent_id = tree.id
)
UPDATE item_groups SET lineage = tree.lineage FROM tree WHERE item_groups.id = tree.id;
