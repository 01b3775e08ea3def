//! Reverse orders themselves: list (TB-A1), cancel (TB-A5), submit (TB-A7),
//! modify (TB-A9) and detail (TB-A10).

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::Aftersale;
use super::render::RefundOrder;
use crate::endpoint::endpoint;
use crate::model::{Scalar, model};
use crate::types::{Fen, Id, Timestamp};

/// After-sale (reverse order) list query: reverse orders matching filters,
/// one page at a time (`pageNo`, `pageSize`).
///
/// The response schema is not documented (the page is cut before it), so
/// `data` is returned as raw JSON and [`Call::pages`](crate::Call::pages)
/// streaming awaits the response schema: ask for the next page by setting
/// `page_no`. The only page with this path is titled as the message-list
/// query (TB-A8); its body is a refund-list filter, so the SDK maps it to
/// TB-A1 (INFERRED). The v2 path is the section rule's twin, not seen.
#[endpoint(
    id = "TB-A1",
    method = POST,
    v1 = verified("/open/order/refund/queryList", "https://doc-vnm.pandapon.com/api-250496545"),
    v2 = derived("/v2/taobao/order/refund/queryList"),
    response = Box<RawValue>,
    idempotent,
    handle = Aftersale,
    name = refund_list,
)]
pub struct RefundListRequest {
    /// Reverse order (refund) id.
    pub refund_id: Option<Id>,
    /// Purchase order id.
    pub purchase_order_id: Option<Id>,
    /// Sales order id.
    pub sales_order_id: Option<Id>,
    /// Refund status code (the page gives no list; INFERRED the sub-order
    /// refund codes `0, 10, 20, 30, 100, -10, -20`).
    pub refund_status: Option<i32>,
    /// Start of the refund time range (integer; INFERRED epoch milliseconds).
    pub refund_start_time: Option<i64>,
    /// End of the refund time range (integer; INFERRED epoch milliseconds).
    pub refund_end_time: Option<i64>,
    /// Page number, from 1 (default 1).
    #[builder(default = 1)]
    pub page_no: u32,
    /// Page size (required by the docs).
    pub page_size: u32,
}

/// After-sale (reverse order) cancellation: withdraws a refund request.
///
/// A write sent as `GET` with the refund id in the path; never retried.
#[endpoint(
    id = "TB-A5",
    method = GET,
    v1 = verified("/open/order/refund/cancel/{refundId}", "https://doc-vnm.pandapon.com/api-250496552"),
    v2 = verified("/v2/taobao/order/refund/cancel/{refundId}", "https://doc-env2.pandapon.com/api-289121008"),
    response = RefundCancel,
    write,
    handle = Aftersale,
    name = refund_cancel,
)]
pub struct RefundCancelRequest {
    /// The reverse order to cancel, e.g. `110002685755`.
    #[path_param]
    pub refund_id: Id,
}

impl RefundCancelRequest {
    /// A cancellation of one reverse order.
    pub fn new(refund_id: impl Into<Id>) -> Self {
        RefundCancelRequest {
            refund_id: refund_id.into(),
        }
    }
}

/// After-sale (reverse order) submission: files a refund (or return) for a
/// sub-order.
///
/// **Path unknown** (only the navigation title and method are documented):
/// the call fails before sending unless you set the path with
/// `override_path("TB-A7", ..)`. **Request INFERRED**: the fields are those
/// of the rendering (TB-A2) request and its `refundOrder` template; set
/// anything else through `other`. Response schema unknown (raw JSON).
#[endpoint(
    id = "TB-A7",
    method = POST,
    response = Box<RawValue>,
    write,
    handle = Aftersale,
    name = refund_submit,
    open,
)]
pub struct RefundSubmitRequest {
    /// The sub-order to refund (as in the rendering request).
    pub sub_order_id: Id,
    /// Refund type code (one of the rendering's `refundTypeList`).
    pub refund_type: i32,
    /// Goods status code (one of the rendering's `goodsStatusList`).
    pub goods_status: i32,
    /// Reason id (from the rendering's `refundReasons`).
    pub reason_id: Option<i64>,
    /// Refund amount in fen (within the rendering's `maxRefundFee`).
    pub refund_fee: Option<Fen>,
    /// Buyer's description.
    pub refund_desc: Option<String>,
}

/// After-sale (reverse order) modification: changes a submitted refund.
///
/// **Path unknown** (navigation title and method only): the call fails before
/// sending unless you set the path with `override_path("TB-A9", ..)`.
/// **Request INFERRED**: the refund id plus the submission's fields, each
/// optional; set anything else through `other`. Response schema unknown
/// (raw JSON).
#[endpoint(
    id = "TB-A9",
    method = POST,
    response = Box<RawValue>,
    write,
    handle = Aftersale,
    name = refund_modify,
    open,
)]
pub struct RefundModifyRequest {
    /// The reverse order to modify.
    pub refund_id: Id,
    /// New refund type code.
    pub refund_type: Option<i32>,
    /// New goods status code.
    pub goods_status: Option<i32>,
    /// New reason id.
    pub reason_id: Option<i64>,
    /// New refund amount in fen.
    pub refund_fee: Option<Fen>,
    /// New description.
    pub refund_desc: Option<String>,
}

/// After-sale (reverse order) detail: the refund, its return logistics and
/// the purchase line it belongs to.
///
/// The v2 path is documented; the v1 path is only the naming-convention twin
/// (the v1 page is not stored), so it is guessed and a 404 there says so.
#[endpoint(
    id = "TB-A10",
    method = GET,
    v1 = derived("/open/order/refund/query"),
    v2 = verified("/v2/taobao/order/refund/query", "https://doc-cnv2.pandapon.com/api-288803036"),
    response = RefundDetail,
    idempotent,
    handle = Aftersale,
    name = refund_detail,
)]
pub struct RefundDetailRequest {
    /// The reverse order, e.g. `110002685755`.
    pub refund_id: Id,
}

impl RefundDetailRequest {
    /// A detail query for one reverse order.
    pub fn new(refund_id: impl Into<Id>) -> Self {
        RefundDetailRequest {
            refund_id: refund_id.into(),
        }
    }
}

/// The `data` of TB-A5: whether the cancellation succeeded, and the reverse
/// order as it now stands.
#[model]
pub struct RefundCancel {
    /// Whether the cancellation succeeded.
    pub cancel_success: Option<bool>,
    /// Currency, e.g. `CNY`.
    pub currency: Option<String>,
    /// Distributor id.
    pub distributor_id: Option<Id>,
    /// The reverse order with its logistics and purchase line.
    pub refund_order_aggregate: Option<RefundOrderAggregate>,
}

/// The `data` of TB-A10 (`TaoBaoRefundOrderDetailDTO`).
#[model]
pub struct RefundDetail {
    /// Distributor id.
    pub distributor_id: Option<Id>,
    /// Currency, e.g. `CNY`.
    pub currency: Option<String>,
    /// The reverse order with its logistics and purchase line.
    pub refund_order_aggregate: Option<RefundOrderAggregate>,
}

/// A reverse order with what surrounds it (`RefundOrderAggregate`).
#[model]
pub struct RefundOrderAggregate {
    /// Return logistics.
    pub logistics: Option<ReturnLogistics>,
    /// The reverse order. Its `refundStatus` is an integer here (a string in
    /// the rendering template); [`RefundOrder::refund_status`] reads both as
    /// text.
    pub refund_order: Option<RefundOrder>,
    /// The purchase order line being refunded.
    pub purchase_order_line: Option<PurchaseOrderLine>,
}

/// The return shipment of a reverse order.
#[model]
pub struct ReturnLogistics {
    /// Where to send the goods back: an object in the v1 cancellation sample,
    /// a string in the v2 detail schema.
    pub receiver_address: Option<ReturnReceiverAddress>,
    /// Return instructions.
    pub return_goods_desc: Option<String>,
    /// Buyer's phone.
    pub buyer_phone: Option<String>,
    /// The carrier.
    pub logistics_company: Option<LogisticsCompany>,
    /// Tracking number (v1 cancellation sample).
    pub logistics_no: Option<String>,
    /// Seller's note on agreeing to the return.
    pub seller_agree_return_describe: Option<String>,
}

/// A carrier.
#[model]
pub struct LogisticsCompany {
    /// Carrier code, e.g. `SF` (`logisticsCompanyCode` in v2, spelled
    /// `logisticCompanyCode` in the v1 sample).
    #[model(rename = "logisticsCompanyCode", alias = "logisticCompanyCode")]
    pub logistics_company_code: Option<String>,
    /// Carrier name, e.g. `顺丰快递`.
    pub logistics_company_name: Option<String>,
}

/// The return address, in either documented shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ReturnReceiverAddress {
    /// A structured address (v1 cancellation sample).
    Structured(ReturnAddress),
    /// One line of text (v2 detail schema).
    Text(String),
}

impl Scalar for ReturnReceiverAddress {
    fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Option<ReturnReceiverAddress>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an address object or string")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(V)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok((!v.trim().is_empty()).then(|| ReturnReceiverAddress::Text(v.to_owned())))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                // Read in place, so unknown keys keep their raw JSON.
                ReturnAddress::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|a| Some(ReturnReceiverAddress::Structured(a)))
            }
        }
        d.deserialize_any(V)
    }
}

/// A structured return address.
#[model]
pub struct ReturnAddress {
    /// Street address.
    pub detail_address: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Receiver's name.
    pub receiver: Option<String>,
}

/// The purchase order line a reverse order refunds. Amounts are integers,
/// read as fen. The v2 schema is cut after `price`; the rest is in `extra`.
#[model]
pub struct PurchaseOrderLine {
    /// Sales order id.
    pub sales_order_id: Option<Id>,
    /// Supplier id.
    pub supplier_id: Option<Id>,
    /// Quantity.
    pub quantity: Option<i64>,
    /// Total price.
    pub total_price: Option<Fen>,
    /// Item title.
    pub item_title: Option<String>,
    /// Item image URL (v1 cancellation sample).
    pub item_image_url: Option<String>,
    /// Domestic postage.
    pub post_fee: Option<Fen>,
    /// Goods amount.
    pub product_fee: Option<Fen>,
    /// Sales market.
    pub sales_market: Option<String>,
    /// Purchase order line id.
    pub purchase_order_line_id: Option<Id>,
    /// Creation time (epoch milliseconds).
    pub create_time: Option<Timestamp>,
    /// Purchase order id.
    pub purchase_order_id: Option<Id>,
    /// Unit price.
    pub price: Option<Fen>,
    /// Currency (v1 cancellation sample).
    pub currency: Option<String>,
}
