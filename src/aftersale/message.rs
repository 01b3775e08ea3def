//! Messages on a reverse order: submit (TB-A6) and list (TB-A8).

use serde_json::value::RawValue;

use super::Aftersale;
use crate::endpoint::endpoint;
use crate::model::model;
use crate::types::Id;

/// Submit an after-sale (reverse order) message: a note, optionally with
/// images, on a refund.
///
/// The v2 path is the section rule's twin of the documented v1 path (not
/// seen). The docs cut the response after `data` (an object): every field is
/// in [`RefundMessageSubmitted::extra`].
#[endpoint(
    id = "TB-A6",
    method = POST,
    v1 = verified("/open/order/refund/submit/message", "https://doc-en.pandapon.com/api-263477624"),
    v2 = derived("/v2/taobao/order/refund/submit/message"),
    response = RefundMessageSubmitted,
    write,
    handle = Aftersale,
    name = refund_message_submit,
)]
pub struct RefundMessageSubmitRequest {
    /// The reverse order (`逆向单id`).
    pub refund_id: Id,
    /// The message text (`留言内容`).
    pub refund_message: String,
    /// Images, one string (format not documented: INFERRED a URL or
    /// comma-separated URLs).
    pub refund_images: Option<String>,
}

impl RefundMessageSubmitRequest {
    /// A text message on one reverse order.
    pub fn new(refund_id: impl Into<Id>, refund_message: impl Into<String>) -> Self {
        RefundMessageSubmitRequest {
            refund_id: refund_id.into(),
            refund_message: refund_message.into(),
            refund_images: None,
        }
    }
}

/// The `data` of TB-A6: an object whose fields the docs do not show (schema
/// unknown); everything is in `extra`.
#[model]
pub struct RefundMessageSubmitted {}

/// After-sale (reverse order) message list query: the messages on a refund.
///
/// **Path unknown**: the only page with this title shows the TB-A1 list path
/// with refund-list filters, so no path is declared; the call fails before
/// sending unless you set it with `override_path("TB-A8", ..)`. **Request
/// INFERRED** (a refund id; set anything else through `other`); response
/// schema unknown (raw JSON).
#[endpoint(
    id = "TB-A8",
    method = POST,
    response = Box<RawValue>,
    idempotent,
    handle = Aftersale,
    name = refund_message_list,
    open,
)]
pub struct RefundMessageListRequest {
    /// The reverse order.
    pub refund_id: Id,
}
