use serde::Serialize;
use serde_json::value::RawValue;

use super::Logistics;
use crate::endpoint::endpoint;
use crate::types::{Id, Yuan};

// --- WL-1 --------------------------------------------------------------------

/// Estimates the overseas freight of one item to an address.
///
/// Signed in the query string (`timestamp`, `sign`): the pages show only
/// those two names, no algorithm; the rule used is **INFERRED** (see the
/// [module docs](crate::logistics)).
///
/// The page marks `currency` and `price` required but its example leaves
/// them out: they are optional here. The response's `data` is not shown on
/// the page (cut): kept as raw JSON.
#[endpoint(
    id = "WL-1",
    method = POST,
    v1 = derived("/open/pp/logistics/itemLogisticsPrice"),
    v2 = verified("/v2/open/pp/logistics/itemLogisticsPrice", "https://doc-env2.pandapon.com/api-289121052"),
    response = Box<RawValue>,
    idempotent,
    signing = query,
    handle = Logistics,
    name = freight_estimate,
)]
pub struct FreightEstimateRequest {
    /// Item id, e.g. `2048232789087639`.
    pub item_id: Id,
    /// SKU id.
    pub sku_id: Id,
    /// Quantity.
    pub quantity: i64,
    /// Where it ships to.
    pub receiver_address: ReceiverAddress,
    /// Currency of `price`.
    pub currency: Option<String>,
    /// Unit price (sent as a string).
    pub price: Option<Yuan>,
}

/// An overseas delivery address (`ReceiverAddressTO`); every field optional.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, bon::Builder)]
#[serde(rename_all = "camelCase")]
#[builder(on(String, into))]
#[non_exhaustive]
pub struct ReceiverAddress {
    /// Recipient's name.
    pub name: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Mobile phone.
    pub mobile_phone: Option<String>,
    /// Street address.
    pub address: Option<String>,
    /// Tax id.
    pub tax_id: Option<String>,
    /// Country code, e.g. `US`.
    pub country: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Post code.
    pub zip: Option<String>,
    /// State or province.
    pub state: Option<String>,
}

// --- WL-2 --------------------------------------------------------------------

/// Previews the overseas freight of an order's lines, each with its chosen
/// freight service.
///
/// Signed in the query string (`timestamp`, `sign`): the pages show only
/// those two names, no algorithm; the rule used is **INFERRED** (see the
/// [module docs](crate::logistics)).
///
/// The page marks `renderItems` optional; a preview of nothing being
/// meaningless, it is required here. The response's `data` is not shown on
/// the page: kept as raw JSON (INFERRED to carry the `renderId` of
/// [`Logistics::order_booking`]).
#[endpoint(
    id = "WL-2",
    method = POST,
    v1 = verified("/open/pp/logistics/orderRenderFreight", "https://doc.pandapon.com/api-250313135"),
    v2 = verified("/v2/open/pp/logistics/orderRenderFreight", "https://doc-env2.pandapon.com/api-289121053"),
    response = Box<RawValue>,
    idempotent,
    signing = query,
    handle = Logistics,
    name = freight_preview,
)]
pub struct FreightPreviewRequest {
    /// Where it ships to.
    pub receiver_address: Option<ReceiverAddress>,
    /// The lines.
    pub render_items: Vec<RenderItem>,
}

/// A line of a freight preview.
///
/// The page marks `currency` and `price` required but its example leaves
/// them out: they are optional here.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, bon::Builder)]
#[serde(rename_all = "camelCase")]
#[builder(on(String, into))]
#[non_exhaustive]
pub struct RenderItem {
    /// Item id.
    #[builder(into)]
    pub item_id: Id,
    /// SKU id.
    #[builder(into)]
    pub sku_id: Id,
    /// Quantity.
    pub quantity: i64,
    /// The freight service chosen.
    pub freight_info: FreightInfo,
    /// Currency of `price`.
    pub currency: Option<String>,
    /// Unit price (sent as a string).
    pub price: Option<Yuan>,
}

/// A freight service (`FreightInfoTO`); its fields are seen only in the
/// examples.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, bon::Builder)]
#[serde(rename_all = "camelCase")]
#[builder(on(String, into))]
#[non_exhaustive]
pub struct FreightInfo {
    /// Service id, e.g. `1`.
    pub service_id: Option<String>,
    /// Carrier name.
    pub company_name: Option<String>,
    /// Service category.
    pub service_category: Option<String>,
}

// --- WL-3 --------------------------------------------------------------------

/// Creates an international logistics order for previewed lines.
///
/// Signed in the query string (`timestamp`, `sign`): the pages show only
/// those two names, no algorithm; the rule used is **INFERRED** (see the
/// [module docs](crate::logistics)).
///
/// Every field is optional on the page. The response's `data` is not shown
/// on the page: kept as raw JSON (`None` when the server sends none).
#[endpoint(
    id = "WL-3",
    method = POST,
    v1 = verified("/open/pp/logistics/orderBookingFreight", "https://doc.pandapon.com/api-250313137"),
    v2 = derived("/v2/open/pp/logistics/orderBookingFreight"),
    response = Option<Box<RawValue>>,
    write,
    signing = query,
    handle = Logistics,
    name = order_booking,
)]
pub struct OrderBookingRequest {
    /// The freight preview, e.g. `FF2024080200007` (INFERRED: from
    /// [`Logistics::freight_preview`]).
    pub render_id: Option<String>,
    /// Where it ships to.
    pub receiver_address: Option<ReceiverAddress>,
    /// The lines.
    pub line_items: Option<Vec<LineItem>>,
    /// The Tmall order it belongs to.
    pub tmall_order_info: Option<TmallOrderInfo>,
    /// Remark.
    pub remark: Option<String>,
}

/// A line of a logistics order (every field optional; WL-4's `lineItem`
/// uses the first five).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, bon::Builder)]
#[serde(rename_all = "camelCase")]
#[builder(on(String, into))]
#[non_exhaustive]
pub struct LineItem {
    /// Item id.
    #[builder(into)]
    pub item_id: Option<Id>,
    /// SKU id.
    #[builder(into)]
    pub sku_id: Option<Id>,
    /// Quantity.
    pub quantity: Option<i64>,
    /// Title.
    pub title: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// The freight service chosen.
    pub freight_info: Option<FreightInfo>,
    /// Currency of `price`.
    pub currency: Option<String>,
    /// Unit price (sent as a string).
    pub price: Option<Yuan>,
}

/// The Tmall order of a logistics order (`TmallOrderInfoTO`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, bon::Builder)]
#[serde(rename_all = "camelCase")]
#[builder(on(String, into))]
#[non_exhaustive]
pub struct TmallOrderInfo {
    /// Tmall order id, e.g. `123123444`.
    pub tmall_order_id: Option<String>,
}

// --- WL-4 --------------------------------------------------------------------

/// Updates the domestic (in-China) logistics of an international logistics
/// order's lines: which parcels carry each line to the warehouse.
///
/// Signed in the query string (`timestamp`, `sign`): the pages show only
/// those two names, no algorithm; the rule used is **INFERRED** (see the
/// [module docs](crate::logistics)).
///
/// The docs spell the waybill field `logisticNumer` (at two levels); the SDK
/// keeps that wire name. Every field is optional on the page. The response's
/// `data` is not shown on the page: kept as raw JSON.
#[endpoint(
    id = "WL-4",
    method = POST,
    v1 = verified("/open/pp/logistics/updateLogisticInfo", "https://doc.pandapon.com/api-250313136"),
    v2 = derived("/v2/open/pp/logistics/updateLogisticInfo"),
    response = Option<Box<RawValue>>,
    write,
    signing = query,
    handle = Logistics,
    name = domestic_logistics_update,
)]
pub struct DomesticLogisticsUpdateRequest {
    /// The logistics order, e.g. `21`.
    pub order_id: Option<String>,
    /// The Tmall order.
    pub tmall_order_id: Option<String>,
    /// The lines and their parcels.
    pub logistic_infos: Option<Vec<LogisticInfo>>,
}

/// A line and the domestic parcels that carry it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, bon::Builder)]
#[serde(rename_all = "camelCase")]
#[builder(on(String, into))]
#[non_exhaustive]
pub struct LogisticInfo {
    /// The line (item, SKU, quantity, title, image).
    pub line_item: Option<LineItem>,
    /// The international waybill, e.g. `FARJP2408000013YQ` (wire name
    /// `logisticNumer`, spelled so in the docs).
    #[serde(rename = "logisticNumer")]
    pub logistic_number: Option<String>,
    /// The domestic parcels.
    pub domestic_logistic_info: Option<Vec<DomesticLogisticInfo>>,
}

/// A domestic parcel (`InnerLogisticInfoTO`; fields seen only in the
/// example).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, bon::Builder)]
#[serde(rename_all = "camelCase")]
#[builder(on(String, into))]
#[non_exhaustive]
pub struct DomesticLogisticInfo {
    /// The domestic waybill, e.g. `SF1234521212678` (wire name
    /// `logisticNumer`, spelled so in the docs).
    #[serde(rename = "logisticNumer")]
    pub logistic_number: Option<String>,
    /// The carrier, e.g. `顺丰`.
    pub logistic_company_name: Option<String>,
    /// When the parcel was ready to ship: Unix **seconds** as a string, e.g.
    /// `1754342534` (see [`DomesticLogisticInfo::rts_seconds`]).
    pub rts_time: Option<String>,
}

impl DomesticLogisticInfo {
    /// A parcel with its waybill, carrier and ready-to-ship time in Unix
    /// seconds (sent as a string, as the docs show).
    pub fn rts_seconds(
        logistic_number: impl Into<String>,
        logistic_company_name: impl Into<String>,
        rts_unix_seconds: i64,
    ) -> Self {
        DomesticLogisticInfo {
            logistic_number: Some(logistic_number.into()),
            logistic_company_name: Some(logistic_company_name.into()),
            rts_time: Some(rts_unix_seconds.to_string()),
        }
    }
}
