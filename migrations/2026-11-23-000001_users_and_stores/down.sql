DROP TABLE users;
DROP TABLE stores;
