//! The words the audit log is read in: what kind of thing changed ("Loyalty program"), what
//! happened to it ("Deactivated"), and the field names the forms use ("Customer Group").
//! Pure: the log stores codes (`loyalty_program`, `deactivate`, `customer_group_id`).

/// Kinds of entries the log holds: (code, label, noun in a sentence).
const KINDS: [(&str, &str, &str); 25] = [
    ("brand", "Brand", "brand"),
    ("campaign", "Campaign", "campaign"),
    ("company", "Company", "company"),
    ("coupon", "Coupon", "coupon"),
    ("coupon_batch", "Coupon batch", "coupon batch"),
    ("customer", "Customer", "customer"),
    ("customer_group", "Customer group", "customer group"),
    ("customer_import", "Customer import", "customer import"),
    ("delivery_charge", "Delivery charge", "delivery charge"),
    ("gift_card", "Gift card", "gift card"),
    ("invoice", "Invoice", "invoice"),
    ("item", "Item", "item"),
    ("item_group", "Item group", "item group"),
    ("item_import", "Item import", "item import"),
    (
        "loyalty_opening_import",
        "Loyalty opening balances import",
        "loyalty opening balances import",
    ),
    ("loyalty_program", "Loyalty program", "loyalty program"),
    ("offer", "Offer", "offer"),
    ("pos_profile", "POS profile", "POS profile"),
    ("rfm_scores", "RFM scores", "RFM scores of"),
    ("sales_person", "Sales person", "sales person"),
    ("segment", "Segment", "segment"),
    ("store", "Store", "store"),
    ("terminal_token", "Till token", "till token"),
    ("territory", "Territory", "territory"),
    ("user", "User", "user"),
];

/// Actions: (code, label in the filter, verb in a sentence).
const ACTIONS: [(&str, &str, &str); 26] = [
    ("create", "Created", "created"),
    ("update", "Updated", "updated"),
    ("deactivate", "Deactivated", "deactivated"),
    ("reactivate", "Reactivated", "reactivated"),
    ("delete", "Deleted", "deleted"),
    ("import", "Imported", "imported"),
    ("merge", "Merged", "merged"),
    ("export", "Exported", "exported"),
    (
        "snapshot",
        "Members written down",
        "wrote down the members of",
    ),
    ("compute", "Computed", "computed"),
    ("cancel", "Cancelled", "cancelled"),
    ("revoke", "Revoked", "revoked"),
    ("disable", "Disabled", "disabled"),
    ("enable", "Enabled", "enabled"),
    ("top_up", "Topped up", "topped up"),
    ("adjust", "Adjusted", "adjusted the balance of"),
    (
        "account payment",
        "Payment recorded",
        "recorded a payment from",
    ),
    (
        "loyalty_enrol",
        "Enrolled in loyalty",
        "enrolled in loyalty",
    ),
    ("loyalty_unenrol", "Left loyalty", "took out of loyalty"),
    (
        "loyalty_adjust",
        "Points adjusted",
        "adjusted the points of",
    ),
    (
        "change_password",
        "Password changed",
        "changed the password of",
    ),
    ("reset_password", "Password reset", "reset the password of"),
    ("sign_in", "Signed in", "signed in"),
    ("sign_out", "Signed out", "signed out"),
    ("sign_in_failed", "Sign-in failed", "failed to sign in"),
    ("failed_sign_in", "Sign-in failed", "failed to sign in"),
];

/// Actions about a session rather than a change: home's "Latest activity" leaves them out.
pub const SESSION_ACTIONS: [&str; 4] = ["sign_in", "sign_out", "sign_in_failed", "failed_sign_in"];

/// "Loyalty program" for `loyalty_program`; unknown codes read as words ("Gift card").
pub fn kind_label(kind: &str) -> String {
    KINDS
        .iter()
        .find(|(code, _, _)| *code == kind)
        .map_or_else(|| humanize(kind), |(_, label, _)| (*label).to_owned())
}

/// "loyalty program" for `loyalty_program`, as a sentence says it.
pub fn kind_noun(kind: &str) -> String {
    KINDS.iter().find(|(code, _, _)| *code == kind).map_or_else(
        || humanize(kind).to_lowercase(),
        |(_, _, noun)| (*noun).to_owned(),
    )
}

/// "Deactivated" for `deactivate`.
pub fn action_label(action: &str) -> String {
    ACTIONS
        .iter()
        .find(|(code, _, _)| *code == action)
        .map_or_else(|| humanize(action), |(_, label, _)| (*label).to_owned())
}

/// "deactivated" for `deactivate`: what the sentence says the person did.
pub fn action_verb(action: &str) -> String {
    ACTIONS
        .iter()
        .find(|(code, _, _)| *code == action)
        .map_or_else(
            || humanize(action).to_lowercase(),
            |(_, _, verb)| (*verb).to_owned(),
        )
}

/// The actions a person can filter by, in words: (code, label).
pub fn actions() -> impl Iterator<Item = (&'static str, &'static str)> {
    // The two spellings of a failed sign-in read the same: offer one.
    ACTIONS
        .iter()
        .filter(|(code, _, _)| *code != "failed_sign_in")
        .map(|(code, label, _)| (*code, *label))
}

/// Field names as the forms label them; the rest read as words ("Credit limit").
const FIELDS: [(&str, &str); 68] = [
    ("first_name", "First Name"),
    ("last_name", "Last Name"),
    ("email", "Email"),
    ("mobile", "Mobile"),
    ("customer_group_id", "Customer Group"),
    ("territory_id", "Territory"),
    ("origin_store_id", "Origin store"),
    ("store_id", "Store"),
    ("company_id", "Company"),
    ("item_group_id", "Item Group"),
    ("brand_id", "Brand"),
    ("parent_id", "Parent"),
    ("default_customer_id", "Default Customer"),
    ("allowed_sales_persons", "Allowed Sales Persons"),
    ("pos_profile_id", "POS profile"),
    ("item_code", "Item Code"),
    ("name", "Name"),
    ("standard_rate", "Standard Rate"),
    ("unit", "Unit"),
    ("tax_id", "Tax ID"),
    ("address_line1", "Address Line 1"),
    ("address_line2", "Address Line 2"),
    ("country_code", "Country"),
    ("currency_code", "Currency"),
    ("credit_limit", "Credit Limit"),
    ("birthday", "Birthday"),
    ("conversion_factor", "Conversion Factor"),
    ("collection_factor", "Collection Factor"),
    ("min_spent", "Min Spent"),
    ("expiry_days", "Expiry Days"),
    ("valid_from", "Valid From"),
    ("valid_upto", "Valid Upto"),
    ("program_type", "Program Type"),
    ("auto_opt_in", "Auto Opt In"),
    ("employee_code", "Employee Code"),
    ("commission_rate", "Commission Rate"),
    ("role", "Role"),
    ("active", "Status"),
    ("merged_into_id", "Merged into"),
    ("default_rate", "Default Rate"),
    ("title", "Title"),
    ("description", "Description"),
    ("disabled", "Disable"),
    ("warehouse", "Warehouse"),
    ("apply_on", "Apply On"),
    ("apply_on_id", "Apply On (item, group or brand)"),
    ("offer_type", "Offer Type"),
    ("min_qty", "Min Qty"),
    ("max_qty", "Max Qty"),
    ("min_amount", "Min Amount"),
    ("max_amount", "Max Amount"),
    ("discount_type", "Discount Type"),
    ("rate", "Rate"),
    ("discount_percentage", "Discount Percentage"),
    ("discount_amount", "Discount Amount"),
    ("max_discount", "Max Discount"),
    ("auto", "Auto"),
    ("given_item_id", "Given Item"),
    ("given_qty", "Given Qty"),
    ("recurring", "Recurring"),
    ("replace", "Replace"),
    ("loyalty_points", "Loyalty Points"),
    ("campaign_id", "Campaign"),
    ("priority", "Priority"),
    ("start_date", "Start"),
    ("end_date", "End"),
    ("budget", "Budget"),
    ("initial_value", "Initial Value"),
];

/// The label of field `key`: "Customer Group" for `customer_group_id`.
pub fn field_label(key: &str) -> String {
    FIELDS.iter().find(|(code, _)| *code == key).map_or_else(
        || humanize(key.strip_suffix("_id").unwrap_or(key)),
        |(_, label)| (*label).to_owned(),
    )
}

/// `loyalty_opening` -> "Loyalty opening".
fn humanize(code: &str) -> String {
    let words = code.replace(['_', '.'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_as_words() {
        assert_eq!(kind_label("loyalty_program"), "Loyalty program");
        assert_eq!(kind_noun("customer"), "customer");
        assert_eq!(kind_label("gift_card"), "Gift card");
        assert_eq!(action_label("sign_in"), "Signed in");
        assert_eq!(action_verb("deactivate"), "deactivated");
        assert_eq!(
            action_label("loyalty_points_expire"),
            "Loyalty points expire"
        );
        assert_eq!(field_label("email"), "Email");
        assert_eq!(field_label("customer_group_id"), "Customer Group");
        assert_eq!(
            field_label("show_customer_balance"),
            "Show customer balance"
        );
        assert_eq!(field_label("warehouse_id"), "Warehouse");
        assert_eq!(kind_label("offer"), "Offer");
        assert_eq!(kind_noun("campaign"), "campaign");
        assert_eq!(field_label("given_item_id"), "Given Item");
    }
}
