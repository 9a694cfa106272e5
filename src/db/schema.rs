// @generated automatically by Diesel CLI.

diesel::table! {
    account_payments (id) {
        id -> Int8,
        uuid -> Uuid,
        customer_id -> Int8,
        amount -> Numeric,
        mode -> Text,
        paid_at -> Timestamptz,
        store_id -> Nullable<Int8>,
        reference -> Text,
        created_by -> Text,
        created_at -> Timestamptz,
    }
}

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
    companies (id) {
        id -> Int8,
        name -> Text,
        currency_code -> Text,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        default_customer_group_id -> Nullable<Int8>,
        default_territory_id -> Nullable<Int8>,
        time_zone -> Text,
    }
}

diesel::table! {
    countries (code) {
        code -> Text,
        name -> Text,
    }
}

diesel::table! {
    currencies (code) {
        code -> Text,
        name -> Text,
        minor_unit -> Int2,
        symbol -> Text,
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
        change_seq -> Nullable<Int8>,
        mobile_digits -> Nullable<Text>,
        search_name -> Nullable<Text>,
        search_email -> Nullable<Text>,
    }
}

diesel::table! {
    delivery_charges (id) {
        id -> Int8,
        pos_profile_id -> Int8,
        label -> Text,
        default_rate -> Numeric,
        rate -> Numeric,
        shipping_account -> Text,
        cost_center -> Text,
        is_default -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    pos_profile_sales_persons (pos_profile_id, sales_person_id) {
        pos_profile_id -> Int8,
        sales_person_id -> Int8,
    }
}

diesel::table! {
    pos_profiles (id) {
        id -> Int8,
        store_id -> Int8,
        default_customer_id -> Nullable<Int8>,
        show_customer_balance -> Bool,
        apply_customer_discount -> Bool,
        force_customer_price_list -> Bool,
        auto_create_referral -> Bool,
        auto_fetch_coupon_gifts -> Bool,
        auto_set_delivery_charges -> Bool,
        updated_at -> Timestamptz,
        max_change -> Numeric,
    }
}

diesel::table! {
    sales_persons (id) {
        id -> Int8,
        employee_code -> Text,
        name -> Text,
        commission_rate -> Numeric,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
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
        company_id -> Int8,
        warehouse -> Text,
        address -> Text,
        phone -> Text,
    }
}

diesel::table! {
    terminal_tokens (id) {
        id -> Int8,
        store_id -> Int8,
        label -> Text,
        token_hash -> Bytea,
        hint -> Text,
        created_by -> Nullable<Int8>,
        created_by_label -> Text,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        revoked_by_label -> Nullable<Text>,
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
        last_sign_in_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    /// Customers whose sales await the fold (no key: an append-only queue).
    customer_purchase_queue (company_id, customer_id) {
        company_id -> Int8,
        customer_id -> Int8,
        month -> Date,
        invoice_id -> Nullable<Int8>,
    }
}

diesel::table! {
    sign_in_attempts (id) {
        id -> Int8,
        at -> Timestamptz,
        address -> Text,
        user_id -> Nullable<Int8>,
    }
}

diesel::joinable!(audit_log -> users (actor_id));
diesel::joinable!(companies -> currencies (currency_code));
diesel::joinable!(companies -> customer_groups (default_customer_group_id));
diesel::joinable!(companies -> territories (default_territory_id));
diesel::joinable!(imports -> users (created_by));
diesel::joinable!(customers -> countries (country_code));
diesel::joinable!(customers -> customer_groups (customer_group_id));
diesel::joinable!(customers -> stores (origin_store_id));
diesel::joinable!(customers -> territories (territory_id));
diesel::joinable!(delivery_charges -> pos_profiles (pos_profile_id));
diesel::joinable!(pos_profile_sales_persons -> pos_profiles (pos_profile_id));
diesel::joinable!(pos_profile_sales_persons -> sales_persons (sales_person_id));
diesel::joinable!(pos_profiles -> customers (default_customer_id));
diesel::joinable!(pos_profiles -> stores (store_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(stores -> companies (company_id));
diesel::joinable!(terminal_tokens -> stores (store_id));
diesel::joinable!(terminal_tokens -> users (created_by));
diesel::joinable!(users -> stores (store_id));

diesel::table! {
    folded_customer_days (customer_id, store_id, day, slot) {
        company_id -> Int8,
        day -> Date,
        customer_id -> Int8,
        store_id -> Int8,
        slot -> Int2,
        sales -> Int4,
        returns -> Int4,
        net_sales -> Numeric,
        discount -> Numeric,
    }
}

diesel::table! {
    folded_store_days (store_id, day, slot) {
        company_id -> Int8,
        day -> Date,
        store_id -> Int8,
        sales_person_id -> Nullable<Int8>,
        slot -> Int2,
        sales -> Int4,
        returns -> Int4,
        net_sales -> Numeric,
        discount -> Numeric,
        delivery -> Numeric,
    }
}

diesel::table! {
    folded_delivery_days (store_id, day, label, slot) {
        company_id -> Int8,
        day -> Date,
        store_id -> Int8,
        label -> Text,
        slot -> Int2,
        charges -> Int4,
        amount -> Numeric,
    }
}

diesel::table! {
    // No key in the database (rows appended, folded away): Diesel needs one named.
    unfolded_promotions (invoice_id) {
        invoice_id -> Int8,
        slot -> Int2,
    }
}

diesel::table! {
    // No key in the database (rows appended, folded away): Diesel needs one named.
    unfolded_days (company_id, day, customer_id, store_id) {
        company_id -> Int8,
        day -> Date,
        customer_id -> Int8,
        store_id -> Int8,
        sales_person_id -> Nullable<Int8>,
        label -> Nullable<Text>,
        sales -> Int4,
        returns -> Int4,
        net_sales -> Numeric,
        discount -> Numeric,
        delivery -> Numeric,
    }
}

diesel::table! {
    rollup_offer_days (offer_id, store_id, day, slot) {
        company_id -> Int8,
        day -> Date,
        offer_id -> Int8,
        store_id -> Int8,
        slot -> Int2,
        sales -> Int4,
        discount -> Numeric,
        free_qty -> Numeric,
        revenue -> Numeric,
    }
}

diesel::table! {
    customer_purchases (customer_id, company_id) {
        company_id -> Int8,
        customer_id -> Int8,
        sales -> Int4,
        returns -> Int4,
        net_sales -> Numeric,
        discount -> Numeric,
        first_purchase -> Nullable<Date>,
        second_purchase -> Nullable<Date>,
        last_purchase -> Nullable<Date>,
        last_store_id -> Nullable<Int8>,
        net_ceiling -> Numeric,
    }
}

diesel::table! {
    rollup_cohort_months (company_id, month, slot) {
        company_id -> Int8,
        month -> Date,
        slot -> Int2,
        buyers -> Int4,
        new_customers -> Int4,
        back_30 -> Int4,
        back_90 -> Int4,
    }
}

diesel::table! {
    rollup_customer_months (customer_id, month) {
        company_id -> Int8,
        month -> Date,
        customer_id -> Int8,
        sales -> Int4,
        returns -> Int4,
        net_sales -> Numeric,
        discount -> Numeric,
    }
}

diesel::table! {
    rollup_coupon_days (coupon_id, day, slot) {
        company_id -> Int8,
        day -> Date,
        coupon_id -> Int8,
        slot -> Int2,
        uses -> Int4,
        discount -> Numeric,
        revenue -> Numeric,
    }
}

diesel::joinable!(account_payments -> customers (customer_id));
diesel::joinable!(invoice_lines -> invoices (invoice_id));
diesel::joinable!(invoice_lines -> items (item_id));
diesel::joinable!(invoice_payments -> invoices (invoice_id));
diesel::joinable!(invoices -> customers (customer_id));
diesel::joinable!(invoices -> stores (store_id));
diesel::joinable!(invoices -> sales_persons (sales_person_id));

diesel::allow_tables_to_appear_in_same_query!(
    account_payments,
    invoice_lines,
    invoice_payments,
    invoices,
    app_secrets,
    audit_log,
    companies,
    countries,
    currencies,
    customer_groups,
    customers,
    delivery_charges,
    imports,
    pos_profile_sales_persons,
    pos_profiles,
    sales_persons,
    sessions,
    stores,
    terminal_tokens,
    territories,
    users,
    item_groups,
    brands,
    items,
    loyalty_programs,
    loyalty_tiers,
    loyalty_members,
    loyalty_point_entries,
    campaigns,
    offers,
    offer_versions,
    offer_revisions,
    invoice_offers,
    coupon_batches,
    coupons,
    coupon_redemptions,
    gift_card_entries,
    gift_cards,
    referral_codes,
    referral_registrations,
    referral_defaults,
);

diesel::table! {
    invoice_lines (id) {
        id -> Int8,
        invoice_id -> Int8,
        line_no -> Int4,
        item_id -> Int8,
        item_code -> Text,
        item_name -> Text,
        qty -> Numeric,
        price_list_rate -> Numeric,
        discount_amount -> Numeric,
        amount -> Numeric,
        is_offer -> Bool,
        offer -> Nullable<Text>,
    }
}

diesel::table! {
    invoice_payments (id) {
        id -> Int8,
        invoice_id -> Int8,
        mode -> Text,
        amount -> Numeric,
    }
}

diesel::table! {
    invoices (id) {
        id -> Int8,
        uuid -> Uuid,
        number -> Text,
        store_id -> Int8,
        company_id -> Int8,
        customer_id -> Int8,
        sales_person_id -> Nullable<Int8>,
        posted_at -> Timestamptz,
        status -> Text,
        return_against_id -> Nullable<Int8>,
        currency_code -> Text,
        net_total -> Numeric,
        discount_amount -> Numeric,
        delivery_label -> Nullable<Text>,
        delivery_amount -> Numeric,
        grand_total -> Numeric,
        loyalty_points_redeemed -> Int8,
        loyalty_amount -> Numeric,
        coupon_codes -> Array<Text>,
        request_hash -> Bytea,
        response -> Jsonb,
        cancelled_at -> Nullable<Timestamptz>,
        cancelled_by -> Nullable<Text>,
        created_at -> Timestamptz,
        grand_total_discount -> Numeric,
        grand_total_offer -> Nullable<Text>,
    }
}

diesel::table! {
    item_groups (id) {
        id -> Int8,
        name -> Text,
        parent_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        lineage -> Array<Int8>,
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
        change_seq -> Nullable<Int8>,
        search_name -> Text,
        search_text -> Text,
    }
}

diesel::joinable!(items -> item_groups (item_group_id));
diesel::joinable!(items -> brands (brand_id));

diesel::table! {
    loyalty_programs (id) {
        id -> Int8,
        name -> Text,
        company_id -> Int8,
        multiple_tier -> Bool,
        conversion_factor -> Numeric,
        expiry_days -> Int4,
        valid_from -> Date,
        valid_upto -> Nullable<Date>,
        customer_group_id -> Nullable<Int8>,
        territory_id -> Nullable<Int8>,
        auto_opt_in -> Bool,
        forfeit_on_unenrol -> Bool,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    loyalty_tiers (id) {
        id -> Int8,
        program_id -> Int8,
        name -> Text,
        min_spent -> Numeric,
        collection_factor -> Numeric,
    }
}

diesel::table! {
    loyalty_members (customer_id, company_id) {
        customer_id -> Int8,
        company_id -> Int8,
        program_id -> Int8,
        enrolled_at -> Timestamptz,
        enrolled_by -> Text,
    }
}

diesel::table! {
    loyalty_point_entries (id) {
        id -> Int8,
        customer_id -> Int8,
        program_id -> Int8,
        company_id -> Int8,
        invoice_id -> Nullable<Int8>,
        kind -> Text,
        points -> Int8,
        purchase_amount -> Numeric,
        tier -> Nullable<Text>,
        collection_factor -> Nullable<Numeric>,
        posting_date -> Date,
        expiry_date -> Nullable<Date>,
        against_entry_id -> Nullable<Int8>,
        reverses -> Nullable<Text>,
        reason -> Text,
        created_by -> Text,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(loyalty_programs -> companies (company_id));
diesel::joinable!(loyalty_tiers -> loyalty_programs (program_id));
diesel::joinable!(loyalty_members -> loyalty_programs (program_id));
diesel::joinable!(loyalty_members -> customers (customer_id));
diesel::joinable!(loyalty_point_entries -> loyalty_programs (program_id));
diesel::joinable!(loyalty_point_entries -> customers (customer_id));
diesel::joinable!(loyalty_point_entries -> invoices (invoice_id));

diesel::table! {
    campaigns (id) {
        id -> Int8,
        company_id -> Int8,
        name -> Text,
        description -> Text,
        start_date -> Date,
        end_date -> Nullable<Date>,
        active -> Bool,
        budget -> Nullable<Numeric>,
        discount_given -> Numeric,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    offers (id) {
        id -> Int8,
        company_id -> Int8,
        title -> Text,
        description -> Text,
        current_version -> Int4,
        change_seq -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    offer_versions (offer_id, version) {
        offer_id -> Int8,
        version -> Int4,
        in_force_from -> Timestamptz,
        in_force_until -> Nullable<Timestamptz>,
        title -> Text,
        disabled -> Bool,
        pos_profile_id -> Nullable<Int8>,
        warehouse -> Nullable<Text>,
        customer_group_id -> Nullable<Int8>,
        apply_on -> Text,
        apply_on_id -> Nullable<Int8>,
        offer_type -> Text,
        min_qty -> Numeric,
        max_qty -> Numeric,
        min_amount -> Numeric,
        max_amount -> Numeric,
        valid_from -> Date,
        valid_upto -> Nullable<Date>,
        discount_type -> Text,
        rate -> Numeric,
        discount_percentage -> Numeric,
        discount_amount -> Numeric,
        max_discount -> Numeric,
        auto -> Bool,
        given_item_id -> Nullable<Int8>,
        given_qty -> Numeric,
        recurring -> Bool,
        replace -> Text,
        loyalty_points -> Int8,
        campaign_id -> Nullable<Int8>,
        priority -> Int4,
        segment_id -> Nullable<Int8>,
    }
}

diesel::table! {
    offer_revisions (company_id) {
        company_id -> Int8,
        token -> Uuid,
    }
}

diesel::table! {
    invoice_offers (invoice_id, offer_id) {
        invoice_id -> Int8,
        offer_id -> Int8,
        offer_version -> Int4,
        campaign_id -> Nullable<Int8>,
        discount -> Numeric,
        free_qty -> Numeric,
        bonus_points -> Int8,
    }
}

diesel::joinable!(offer_versions -> offers (offer_id));
diesel::joinable!(offer_versions -> campaigns (campaign_id));
diesel::joinable!(invoice_offers -> invoices (invoice_id));

diesel::table! {
    coupon_batches (id) {
        id -> Int8,
        company_id -> Int8,
        offer_id -> Int8,
        campaign_id -> Nullable<Int8>,
        name -> Text,
        prefix -> Text,
        requested -> Int4,
        maximum_use -> Int4,
        one_use -> Bool,
        valid_from -> Nullable<Date>,
        valid_upto -> Nullable<Date>,
        status -> Text,
        message -> Text,
        made -> Int4,
        finished_at -> Nullable<Timestamptz>,
        created_by -> Text,
        created_at -> Timestamptz,
        segment_id -> Nullable<Int8>,
    }
}

diesel::table! {
    coupons (id) {
        id -> Int8,
        company_id -> Int8,
        name -> Text,
        coupon_type -> Text,
        code -> Text,
        offer_id -> Int8,
        campaign_id -> Nullable<Int8>,
        valid_from -> Nullable<Date>,
        valid_upto -> Nullable<Date>,
        maximum_use -> Int4,
        used -> Int4,
        one_use -> Bool,
        customer_id -> Nullable<Int8>,
        disabled -> Bool,
        batch_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        segment_id -> Nullable<Int8>,
    }
}

diesel::table! {
    coupon_redemptions (id) {
        id -> Int8,
        coupon_id -> Int8,
        invoice_id -> Int8,
        customer_id -> Int8,
        one_use -> Bool,
        released_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(coupon_batches -> offers (offer_id));
diesel::joinable!(coupons -> offers (offer_id));
diesel::joinable!(coupons -> campaigns (campaign_id));
diesel::joinable!(coupons -> customers (customer_id));
diesel::joinable!(coupons -> coupon_batches (batch_id));
diesel::joinable!(coupon_redemptions -> coupons (coupon_id));
diesel::joinable!(coupon_redemptions -> invoices (invoice_id));
diesel::joinable!(coupon_redemptions -> customers (customer_id));

diesel::table! {
    gift_card_entries (id) {
        id -> Int8,
        card_id -> Int8,
        kind -> Text,
        amount -> Numeric,
        balance_after -> Numeric,
        invoice_id -> Nullable<Int8>,
        reverses_id -> Nullable<Int8>,
        note -> Text,
        created_by -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    till_lookup_misses (id) {
        id -> Int8,
        token_id -> Int8,
        at -> Timestamptz,
        kind -> Text,
    }
}

diesel::table! {
    gift_cards (id) {
        id -> Int8,
        number -> Text,
        company_id -> Int8,
        currency_code -> Text,
        initial_value -> Numeric,
        balance -> Numeric,
        customer_id -> Nullable<Int8>,
        valid_upto -> Nullable<Date>,
        disabled -> Bool,
        store_id -> Nullable<Int8>,
        issued_by -> Text,
        issued_at -> Timestamptz,
        request_uuid -> Nullable<Uuid>,
        request_hash -> Nullable<Bytea>,
        response -> Nullable<Jsonb>,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(gift_card_entries -> gift_cards (card_id));
diesel::joinable!(gift_card_entries -> invoices (invoice_id));
diesel::joinable!(gift_cards -> companies (company_id));
diesel::joinable!(gift_cards -> customers (customer_id));
diesel::joinable!(gift_cards -> stores (store_id));

diesel::table! {
    referral_codes (id) {
        id -> Int8,
        company_id -> Int8,
        code -> Text,
        customer_id -> Int8,
        campaign_id -> Nullable<Int8>,
        customer_offer_id -> Int8,
        primary_offer_id -> Nullable<Int8>,
        disabled -> Bool,
        max_registrations -> Nullable<Int4>,
        registrations -> Int4,
        reward_referrer -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    referral_registrations (id) {
        id -> Int8,
        referral_code_id -> Int8,
        referrer_id -> Int8,
        customer_id -> Int8,
        customer_coupon_id -> Int8,
        referrer_coupon_id -> Nullable<Int8>,
        reward_invoice_id -> Nullable<Int8>,
        store_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        first_purchase -> Nullable<Date>,
        revenue -> Numeric,
        coupons_used -> Int2,
    }
}

diesel::table! {
    referral_defaults (company_id) {
        company_id -> Int8,
        auto_create -> Bool,
        campaign_id -> Nullable<Int8>,
        customer_offer_id -> Nullable<Int8>,
        primary_offer_id -> Nullable<Int8>,
        max_registrations -> Nullable<Int4>,
        reward_referrer -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(referral_codes -> campaigns (campaign_id));
diesel::joinable!(referral_codes -> customers (customer_id));
diesel::joinable!(referral_codes -> companies (company_id));
diesel::joinable!(referral_registrations -> referral_codes (referral_code_id));
diesel::joinable!(referral_registrations -> invoices (reward_invoice_id));
diesel::joinable!(referral_registrations -> stores (store_id));
diesel::joinable!(referral_defaults -> companies (company_id));

diesel::table! {
    segments (id) {
        id -> Int8,
        company_id -> Int8,
        name -> Text,
        description -> Text,
        filters -> Jsonb,
        snapshot_at -> Nullable<Timestamptz>,
        snapshot_size -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    segment_members (segment_id, customer_id) {
        segment_id -> Int8,
        customer_id -> Int8,
    }
}

diesel::table! {
    segment_sizes (segment_id, day) {
        segment_id -> Int8,
        day -> Date,
        size -> Int8,
    }
}

diesel::table! {
    customer_rfm (company_id, customer_id) {
        company_id -> Int8,
        customer_id -> Int8,
        recency -> Int2,
        frequency -> Int2,
        monetary -> Int2,
    }
}

diesel::table! {
    rfm_runs (company_id) {
        company_id -> Int8,
        computed_at -> Timestamptz,
        day -> Date,
        customers -> Int8,
    }
}

diesel::table! {
    customer_facts (company_id, customer_id) {
        company_id -> Int8,
        customer_id -> Int8,
        active -> Bool,
        customer_group_id -> Int8,
        territory_id -> Int8,
        origin_store_id -> Nullable<Int8>,
        birth_month -> Nullable<Int2>,
        last_purchase -> Nullable<Date>,
        year_sales -> Int4,
        year_net_sales -> Numeric,
    }
}

diesel::table! {
    customer_fact_years (company_id) {
        company_id -> Int8,
        last_day -> Date,
    }
}

diesel::table! {
    customer_goods (company_id, customer_id, item_id) {
        company_id -> Int8,
        customer_id -> Int8,
        item_id -> Int8,
        last_day -> Date,
    }
}

diesel::table! {
    customer_goods_groups (company_id, customer_id, item_group_id) {
        company_id -> Int8,
        customer_id -> Int8,
        item_group_id -> Int8,
        last_day -> Date,
    }
}

diesel::table! {
    customer_goods_brands (company_id, customer_id, brand_id) {
        company_id -> Int8,
        customer_id -> Int8,
        brand_id -> Int8,
        last_day -> Date,
    }
}

diesel::joinable!(segments -> companies (company_id));
diesel::joinable!(segment_members -> segments (segment_id));
diesel::joinable!(segment_members -> customers (customer_id));
diesel::joinable!(segment_sizes -> segments (segment_id));
diesel::allow_tables_to_appear_in_same_query!(segments, segment_members, segment_sizes);
diesel::allow_tables_to_appear_in_same_query!(segment_members, customers);
diesel::allow_tables_to_appear_in_same_query!(segments, companies);
