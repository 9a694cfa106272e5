//! Referral codes as marketing keeps them: created (code typed or generated), edited (never the
//! code: it is shared and printed), disabled and enabled again; never deleted; every change
//! audited.

use super::{CodeFields, ENTITY, StoredCode};
use crate::coupons::code_record::model::{CodeTable, code_table_queries};
use crate::db::schema::referral_codes;

/// The referral codes table as a code record: the audited create, save and Disable/Enable come
/// with `CodeTable` (`ReferralCodes::create(conn, actor, code, fields)`, ...).
#[derive(Debug, Clone, Copy)]
pub struct ReferralCodes;

impl CodeTable for ReferralCodes {
    const ENTITY: &'static str = ENTITY;
    type Fields = CodeFields;
    type Stored = StoredCode;
    code_table_queries!(referral_codes, CodeFields, StoredCode);
}
