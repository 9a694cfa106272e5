-- Companies (each with its currency), stores with their POS profiles and delivery charges, sales
-- persons, and the tokens that store terminals call the API with.

-- ISO 4217 currencies with their minor unit: amounts round to that many decimals.
CREATE TABLE currencies (
    code        text PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
    name        text NOT NULL,
    minor_unit  smallint NOT NULL CHECK (minor_unit BETWEEN 0 AND 4),
    -- Printed before amounts ("$1,234.50"); empty: the code is printed instead ("KWD 1,234.500").
    symbol      text NOT NULL DEFAULT ''
);
INSERT INTO currencies (code, name, minor_unit, symbol) VALUES
    ('AED', 'UAE Dirham', 2, ''),
    ('AFN', 'Afghani', 2, ''),
    ('ALL', 'Lek', 2, ''),
    ('AMD', 'Armenian Dram', 2, ''),
    ('ANG', 'Netherlands Antillean Guilder', 2, ''),
    ('AOA', 'Kwanza', 2, ''),
    ('ARS', 'Argentine Peso', 2, ''),
    ('AUD', 'Australian Dollar', 2, 'A$'),
    ('AWG', 'Aruban Florin', 2, ''),
    ('AZN', 'Azerbaijan Manat', 2, ''),
    ('BAM', 'Convertible Mark', 2, ''),
    ('BBD', 'Barbados Dollar', 2, ''),
    ('BDT', 'Taka', 2, ''),
    ('BGN', 'Bulgarian Lev', 2, ''),
    ('BHD', 'Bahraini Dinar', 3, ''),
    ('BIF', 'Burundi Franc', 0, ''),
    ('BMD', 'Bermudian Dollar', 2, ''),
    ('BND', 'Brunei Dollar', 2, ''),
    ('BOB', 'Boliviano', 2, ''),
    ('BOV', 'Mvdol', 2, ''),
    ('BRL', 'Brazilian Real', 2, 'R$'),
    ('BSD', 'Bahamian Dollar', 2, ''),
    ('BTN', 'Ngultrum', 2, ''),
    ('BWP', 'Pula', 2, ''),
    ('BYN', 'Belarusian Ruble', 2, ''),
    ('BZD', 'Belize Dollar', 2, ''),
    ('CAD', 'Canadian Dollar', 2, 'CA$'),
    ('CDF', 'Congolese Franc', 2, ''),
    ('CHE', 'WIR Euro', 2, ''),
    ('CHF', 'Swiss Franc', 2, 'CHF '),
    ('CHW', 'WIR Franc', 2, ''),
    ('CLF', 'Unidad de Fomento', 4, ''),
    ('CLP', 'Chilean Peso', 0, ''),
    ('CNY', 'Yuan Renminbi', 2, '¥'),
    ('COP', 'Colombian Peso', 2, ''),
    ('COU', 'Unidad de Valor Real', 2, ''),
    ('CRC', 'Costa Rican Colon', 2, ''),
    ('CUC', 'Peso Convertible', 2, ''),
    ('CUP', 'Cuban Peso', 2, ''),
    ('CVE', 'Cabo Verde Escudo', 2, ''),
    ('CZK', 'Czech Koruna', 2, ''),
    ('DJF', 'Djibouti Franc', 0, ''),
    ('DKK', 'Danish Krone', 2, 'kr '),
    ('DOP', 'Dominican Peso', 2, ''),
    ('DZD', 'Algerian Dinar', 2, ''),
    ('EGP', 'Egyptian Pound', 2, ''),
    ('ERN', 'Nakfa', 2, ''),
    ('ETB', 'Ethiopian Birr', 2, ''),
    ('EUR', 'Euro', 2, '€'),
    ('FJD', 'Fiji Dollar', 2, ''),
    ('FKP', 'Falkland Islands Pound', 2, ''),
    ('GBP', 'Pound Sterling', 2, '£'),
    ('GEL', 'Lari', 2, ''),
    ('GHS', 'Ghana Cedi', 2, ''),
    ('GIP', 'Gibraltar Pound', 2, ''),
    ('GMD', 'Dalasi', 2, ''),
    ('GNF', 'Guinean Franc', 0, ''),
    ('GTQ', 'Quetzal', 2, ''),
    ('GYD', 'Guyana Dollar', 2, ''),
    ('HKD', 'Hong Kong Dollar', 2, 'HK$'),
    ('HNL', 'Lempira', 2, ''),
    ('HRK', 'Kuna', 2, ''),
    ('HTG', 'Gourde', 2, ''),
    ('HUF', 'Forint', 2, ''),
    ('IDR', 'Rupiah', 2, ''),
    ('ILS', 'New Israeli Sheqel', 2, '₪'),
    ('INR', 'Indian Rupee', 2, '₹'),
    ('IQD', 'Iraqi Dinar', 3, ''),
    ('IRR', 'Iranian Rial', 2, ''),
    ('ISK', 'Iceland Krona', 0, ''),
    ('JMD', 'Jamaican Dollar', 2, ''),
    ('JOD', 'Jordanian Dinar', 3, ''),
    ('JPY', 'Yen', 0, '¥'),
    ('KES', 'Kenyan Shilling', 2, ''),
    ('KGS', 'Som', 2, ''),
    ('KHR', 'Riel', 2, ''),
    ('KMF', 'Comorian Franc', 0, ''),
    ('KPW', 'North Korean Won', 2, ''),
    ('KRW', 'Won', 0, '₩'),
    ('KWD', 'Kuwaiti Dinar', 3, ''),
    ('KYD', 'Cayman Islands Dollar', 2, ''),
    ('KZT', 'Tenge', 2, ''),
    ('LAK', 'Lao Kip', 2, ''),
    ('LBP', 'Lebanese Pound', 2, ''),
    ('LKR', 'Sri Lanka Rupee', 2, ''),
    ('LRD', 'Liberian Dollar', 2, ''),
    ('LSL', 'Loti', 2, ''),
    ('LYD', 'Libyan Dinar', 3, ''),
    ('MAD', 'Moroccan Dirham', 2, ''),
    ('MDL', 'Moldovan Leu', 2, ''),
    ('MGA', 'Malagasy Ariary', 2, ''),
    ('MKD', 'Denar', 2, ''),
    ('MMK', 'Kyat', 2, ''),
    ('MNT', 'Tugrik', 2, ''),
    ('MOP', 'Pataca', 2, ''),
    ('MRU', 'Ouguiya', 2, ''),
    ('MUR', 'Mauritius Rupee', 2, ''),
    ('MVR', 'Rufiyaa', 2, ''),
    ('MWK', 'Malawi Kwacha', 2, ''),
    ('MXN', 'Mexican Peso', 2, 'MX$'),
    ('MXV', 'Mexican Unidad de Inversion (UDI)', 2, ''),
    ('MYR', 'Malaysian Ringgit', 2, ''),
    ('MZN', 'Mozambique Metical', 2, ''),
    ('NAD', 'Namibia Dollar', 2, ''),
    ('NGN', 'Naira', 2, '₦'),
    ('NIO', 'Cordoba Oro', 2, ''),
    ('NOK', 'Norwegian Krone', 2, 'kr '),
    ('NPR', 'Nepalese Rupee', 2, ''),
    ('NZD', 'New Zealand Dollar', 2, 'NZ$'),
    ('OMR', 'Rial Omani', 3, ''),
    ('PAB', 'Balboa', 2, ''),
    ('PEN', 'Sol', 2, ''),
    ('PGK', 'Kina', 2, ''),
    ('PHP', 'Philippine Peso', 2, '₱'),
    ('PKR', 'Pakistan Rupee', 2, ''),
    ('PLN', 'Zloty', 2, 'zł '),
    ('PYG', 'Guarani', 0, ''),
    ('QAR', 'Qatari Rial', 2, ''),
    ('RON', 'Romanian Leu', 2, ''),
    ('RSD', 'Serbian Dinar', 2, ''),
    ('RUB', 'Russian Ruble', 2, ''),
    ('RWF', 'Rwanda Franc', 0, ''),
    ('SAR', 'Saudi Riyal', 2, ''),
    ('SBD', 'Solomon Islands Dollar', 2, ''),
    ('SCR', 'Seychelles Rupee', 2, ''),
    ('SDG', 'Sudanese Pound', 2, ''),
    ('SEK', 'Swedish Krona', 2, 'kr '),
    ('SGD', 'Singapore Dollar', 2, 'S$'),
    ('SHP', 'Saint Helena Pound', 2, ''),
    ('SLE', 'Leone', 2, ''),
    ('SLL', 'Leone', 2, ''),
    ('SOS', 'Somali Shilling', 2, ''),
    ('SRD', 'Surinam Dollar', 2, ''),
    ('SSP', 'South Sudanese Pound', 2, ''),
    ('STN', 'Dobra', 2, ''),
    ('SVC', 'El Salvador Colon', 2, ''),
    ('SYP', 'Syrian Pound', 2, ''),
    ('SZL', 'Lilangeni', 2, ''),
    ('THB', 'Baht', 2, '฿'),
    ('TJS', 'Somoni', 2, ''),
    ('TMT', 'Turkmenistan New Manat', 2, ''),
    ('TND', 'Tunisian Dinar', 3, ''),
    ('TOP', 'Pa’anga', 2, ''),
    ('TRY', 'Turkish Lira', 2, '₺'),
    ('TTD', 'Trinidad and Tobago Dollar', 2, ''),
    ('TWD', 'New Taiwan Dollar', 2, ''),
    ('TZS', 'Tanzanian Shilling', 2, ''),
    ('UAH', 'Hryvnia', 2, '₴'),
    ('UGX', 'Uganda Shilling', 0, ''),
    ('USD', 'US Dollar', 2, '$'),
    ('USN', 'US Dollar (Next day)', 2, ''),
    ('UYI', 'Uruguay Peso en Unidades Indexadas (UI)', 0, ''),
    ('UYU', 'Peso Uruguayo', 2, ''),
    ('UYW', 'Unidad Previsional', 4, ''),
    ('UZS', 'Uzbekistan Sum', 2, ''),
    ('VED', 'Bolívar Soberano', 2, ''),
    ('VES', 'Bolívar Soberano', 2, ''),
    ('VND', 'Dong', 0, '₫'),
    ('VUV', 'Vatu', 0, ''),
    ('WST', 'Tala', 2, ''),
    ('XAF', 'CFA Franc BEAC', 0, ''),
    ('XCD', 'East Caribbean Dollar', 2, ''),
    ('XOF', 'CFA Franc BCEAO', 0, ''),
    ('XPF', 'CFP Franc', 0, ''),
    ('YER', 'Yemeni Rial', 2, ''),
    ('ZAR', 'Rand', 2, 'R '),
    ('ZMW', 'Zambian Kwacha', 2, ''),
    ('ZWL', 'Zimbabwe Dollar', 2, '');

CREATE TABLE companies (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    currency_code  text NOT NULL REFERENCES currencies (code),
    active         boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX companies_name_key ON companies (lower(name));

-- Stores that exist already (from before companies) join one company so that the column can be
-- required.
ALTER TABLE stores
    ADD COLUMN company_id bigint REFERENCES companies (id),
    ADD COLUMN warehouse text NOT NULL DEFAULT '' CHECK (length(warehouse) <= 120),
    ADD COLUMN address text NOT NULL DEFAULT '' CHECK (length(address) <= 300),
    ADD COLUMN phone text NOT NULL DEFAULT '' CHECK (length(phone) <= 40);
INSERT INTO companies (name, currency_code) SELECT 'Main Company', 'USD' WHERE EXISTS (SELECT 1 FROM stores);
UPDATE stores SET company_id = (SELECT min(id) FROM companies);
ALTER TABLE stores ALTER COLUMN company_id SET NOT NULL;
CREATE INDEX stores_company_idx ON stores (company_id);

-- The settings a store's tills obey: one profile per store.
CREATE TABLE pos_profiles (
    id                            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store_id                      bigint NOT NULL UNIQUE REFERENCES stores (id),
    default_customer_id           bigint REFERENCES customers (id),
    show_customer_balance         boolean NOT NULL DEFAULT false,
    apply_customer_discount       boolean NOT NULL DEFAULT false,
    force_customer_price_list     boolean NOT NULL DEFAULT false,
    auto_create_referral          boolean NOT NULL DEFAULT false,
    auto_fetch_coupon_gifts       boolean NOT NULL DEFAULT false,
    auto_set_delivery_charges     boolean NOT NULL DEFAULT false,
    updated_at                    timestamptz NOT NULL DEFAULT now()
);
INSERT INTO pos_profiles (store_id) SELECT id FROM stores;

CREATE TABLE delivery_charges (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pos_profile_id    bigint NOT NULL REFERENCES pos_profiles (id),
    label             text NOT NULL CHECK (length(label) BETWEEN 1 AND 80),
    default_rate      numeric(18, 4) NOT NULL CHECK (default_rate >= 0),
    rate              numeric(18, 4) NOT NULL CHECK (rate >= 0),
    shipping_account  text NOT NULL DEFAULT '' CHECK (length(shipping_account) <= 120),
    cost_center       text NOT NULL DEFAULT '' CHECK (length(cost_center) <= 120),
    is_default        boolean NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX delivery_charges_label_key ON delivery_charges (pos_profile_id, lower(label));
-- At most one default per profile, even when two people save at once.
CREATE UNIQUE INDEX delivery_charges_one_default ON delivery_charges (pos_profile_id) WHERE is_default;

CREATE TABLE sales_persons (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    employee_code    text COLLATE "C" NOT NULL UNIQUE CHECK (employee_code ~ '^[A-Z0-9-]{1,20}$'),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    commission_rate  numeric(5, 2) NOT NULL DEFAULT 0 CHECK (commission_rate BETWEEN 0 AND 100),
    active           boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE pos_profile_sales_persons (
    pos_profile_id   bigint NOT NULL REFERENCES pos_profiles (id),
    sales_person_id  bigint NOT NULL REFERENCES sales_persons (id),
    PRIMARY KEY (pos_profile_id, sales_person_id)
);
CREATE INDEX pos_profile_sales_persons_person_idx ON pos_profile_sales_persons (sales_person_id);

-- One token per till. Only the SHA-256 of the secret is kept; `hint` (its last characters) lets
-- people tell tokens apart.
CREATE TABLE terminal_tokens (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store_id          bigint NOT NULL REFERENCES stores (id),
    label             text NOT NULL CHECK (length(label) BETWEEN 1 AND 80),
    token_hash        bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    hint              text NOT NULL,
    created_by        bigint REFERENCES users (id),
    created_by_label  text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    last_used_at      timestamptz,
    revoked_at        timestamptz,
    revoked_by_label  text
);
CREATE INDEX terminal_tokens_store_idx ON terminal_tokens (store_id, created_at);
