-- A one-word name search first walks the names and the surnames that start with the word, in
-- order, and stops at a page (customers::model::name_starts): a few index entries, where the
-- trigram index has to gather every customer whose name holds the word anywhere (9,635 for
-- "okafo" among a million) before the first can be shown. The name index already serves the
-- names' starts; this one serves the surnames'.
CREATE INDEX customers_surname_idx
    ON customers ((patron_fold(last_name) COLLATE "C"), search_name, id);
