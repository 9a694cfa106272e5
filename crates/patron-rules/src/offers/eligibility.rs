//! Whether an offer can apply to a sale at all (store, warehouse, customer, segment, days,
//! coupon, budget), and the rank that orders offers giving the same.

use std::sync::Arc;

use super::{Cart, Offer, Reason};

/// Ties between offers giving the same: lower Priority first, then Title.
pub(super) fn ranks_before(a: &Offer, b: &Offer) -> std::cmp::Ordering {
    a.priority
        .cmp(&b.priority)
        .then_with(|| a.title.cmp(&b.title))
}

/// Why `offer` cannot apply to this sale at all, if so.
pub(super) fn ineligible(cart: &Cart, offer: &Offer) -> Option<Reason> {
    if offer.disabled {
        return Some(Reason::Disabled);
    }
    if let Some((profile, store)) = &offer.profile
        && *profile != cart.profile_id
    {
        return Some(Reason::OtherStore(store.clone()));
    }
    if let Some(warehouse) = &offer.warehouse
        && warehouse != cart.warehouse
    {
        return Some(Reason::OtherWarehouse(warehouse.clone()));
    }
    if let Some((group, name)) = &offer.customer_group
        && !cart.customer_groups.contains(group)
    {
        return Some(Reason::OtherCustomerGroup(name.clone()));
    }
    if let Some(segment) = &offer.segment
        && !cart.segments.contains(&segment.id)
    {
        return Some(Reason::NotInSegment {
            segment: Arc::clone(segment),
        });
    }
    // The campaign is named when its days are the ones that bind.
    let campaign_name = || offer.campaign.as_ref().map(|(_, name)| name.clone());
    if cart.posting_date < offer.valid_from {
        if let Some((from, _)) = offer.campaign_days
            && from == offer.valid_from
            && let Some(name) = campaign_name()
        {
            return Some(Reason::CampaignNotStarted(name, from));
        }
        return Some(Reason::NotYetValid(offer.valid_from));
    }
    if let Some(upto) = offer.valid_upto
        && cart.posting_date > upto
    {
        if let Some((_, Some(end))) = offer.campaign_days
            && end == upto
            && let Some(name) = campaign_name()
        {
            return Some(Reason::CampaignEnded(name, end));
        }
        return Some(Reason::Expired(upto));
    }
    if !offer.auto && !cart.coupon_offers.contains(&offer.id) {
        return Some(Reason::NeedsCoupon);
    }
    if let Some((campaign, name)) = &offer.campaign
        && cart.spent_campaigns.contains(campaign)
    {
        return Some(Reason::BudgetSpent(name.clone()));
    }
    None
}
