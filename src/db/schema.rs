// @generated automatically by Diesel CLI.

diesel::table! {
    app_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        at -> Timestamptz,
        actor_id -> Nullable<Int8>,
        actor_label -> Text,
        entity -> Text,
        entity_id -> Text,
        action -> Text,
        before -> Nullable<Jsonb>,
        after -> Nullable<Jsonb>,
    }
}

diesel::table! {
    countries (code) {
        code -> Text,
        name -> Text,
    }
}

diesel::table! {
    customer_groups (id) {
        id -> Int8,
        name -> Text,
        parent_id -> Nullable<Int8>,
        default_discount -> Numeric,
        notes -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    imports (id) {
        id -> Int8,
        created_by -> Int8,
        created_at -> Timestamptz,
        file_name -> Text,
        content -> Bytea,
        total_rows -> Int4,
        valid_rows -> Int4,
        error_count -> Int4,
        errors -> Jsonb,
        status -> Text,
        all_or_nothing -> Bool,
        done_rows -> Int4,
        imported_rows -> Int4,
        message -> Text,
        finished_at -> Nullable<Timestamptz>,
        kind -> Text,
    }
}

diesel::table! {
    customers (id) {
        id -> Int8,
        uuid -> Uuid,
        code -> Text,
        first_name -> Text,
        last_name -> Text,
        customer_group_id -> Int8,
        territory_id -> Int8,
        tax_id -> Text,
        mobile -> Text,
        email -> Text,
        website -> Text,
        address_line1 -> Text,
        address_line2 -> Text,
        city -> Text,
        postcode -> Text,
        country_code -> Nullable<Text>,
        birthday -> Nullable<Date>,
        gender -> Text,
        notes -> Text,
        credit_limit -> Numeric,
        origin_store_id -> Nullable<Int8>,
        active -> Bool,
        deactivated_by -> Nullable<Int8>,
        deactivated_at -> Nullable<Timestamptz>,
        merged_into_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        change_seq -> Int8,
        mobile_digits -> Nullable<Text>,
        search_name -> Nullable<Text>,
        search_email -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Nullable<Int8>,
        state -> Jsonb,
        created_at -> Timestamptz,
        last_seen_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    stores (id) {
        id -> Int8,
        code -> Text,
        name -> Text,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    territories (id) {
        id -> Int8,
        name -> Text,
        parent_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        role -> Text,
        store_id -> Nullable<Int8>,
        active -> Bool,
        failed_logins -> Int4,
        locked_until -> Nullable<Timestamptz>,
        last_sign_in_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(audit_log -> users (actor_id));
diesel::joinable!(imports -> users (created_by));
diesel::joinable!(customers -> countries (country_code));
diesel::joinable!(customers -> customer_groups (customer_group_id));
diesel::joinable!(customers -> stores (origin_store_id));
diesel::joinable!(customers -> territories (territory_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(users -> stores (store_id));

diesel::allow_tables_to_appear_in_same_query!(
    app_secrets,
    audit_log,
    countries,
    customer_groups,
    customers,
    imports,
    sessions,
    stores,
    territories,
    users,
    item_groups,
    brands,
    items,
);

diesel::table! {
    item_groups (id) {
        id -> Int8,
        name -> Text,
        parent_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    brands (id) {
        id -> Int8,
        name -> Text,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    items (id) {
        id -> Int8,
        item_code -> Text,
        name -> Text,
        item_group_id -> Int8,
        brand_id -> Nullable<Int8>,
        standard_rate -> Numeric,
        unit -> Text,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        change_seq -> Int8,
        search_name -> Text,
        search_text -> Text,
    }
}

diesel::joinable!(items -> item_groups (item_group_id));
diesel::joinable!(items -> brands (brand_id));
