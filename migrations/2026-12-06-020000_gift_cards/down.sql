DROP TABLE gift_card_lookup_misses;
DROP TABLE gift_card_entries;
DROP TABLE gift_cards;
