//! Taobao (`messagePlatform: 0`) message bodies.

use serde::{Deserialize, Serialize};

use super::order::opt;
use crate::types::{Extra, Id, Timestamp, lenient};

/// Body of the Taobao order price change message
/// (`ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY` / `TAOBAO_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY`,
/// platform 0).
///
/// VERIFIED schema: PandaPon API reference
/// (<https://doc-en.pandapon.com/api-263477629>, `docs-pages/001`). The
/// `subOrders` keys are snake_case while the outer keys are camelCase.
/// Amounts are integer fen (分).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TaobaoPriceModify {
    /// Taobao order number (`salesOrderId`).
    #[serde(default)]
    pub sales_order_id: Option<Id>,
    /// Sub-orders (`subOrders`).
    #[serde(default)]
    pub sub_orders: Vec<TaobaoSubOrder>,
    /// New purchase order price (`purchaseOrderPriceDTO`).
    #[serde(default, rename = "purchaseOrderPriceDTO")]
    pub purchase_order_price: Option<PurchaseOrderPrice>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

impl TaobaoPriceModify {
    pub(crate) fn key_parts(&self, out: &mut Vec<String>) {
        out.push(opt(&self.sales_order_id));
        if let Some(p) = &self.purchase_order_price {
            out.push(opt(&p.purchase_total_fee));
            out.push(opt(&p.purchase_product_fee));
            out.push(opt(&p.purchase_shipping_fee));
        }
        for s in &self.sub_orders {
            out.push(opt(&s.sub_purchase_order_id));
            out.push(opt(&s.status));
            out.push(opt(&s.pay_amount));
        }
    }
}

/// The new price of a Taobao purchase order (`purchaseOrderPriceDTO`), in fen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PurchaseOrderPrice {
    /// `purchaseCurrency`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub purchase_currency: Option<String>,
    /// `purchaseTotalFee` in fen.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub purchase_total_fee: Option<i64>,
    /// `purchaseProductFee` in fen.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub purchase_product_fee: Option<i64>,
    /// `purchaseShippingFee` in fen.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub purchase_shipping_fee: Option<i64>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One Taobao sub-order of a price change message (snake_case on the wire).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct TaobaoSubOrder {
    /// `sub_purchase_order_id`.
    #[serde(default)]
    pub sub_purchase_order_id: Option<Id>,
    /// `purchase_order_outer_id`.
    #[serde(default)]
    pub purchase_order_outer_id: Option<Id>,
    /// `purchase_order_line_outer_id`.
    #[serde(default)]
    pub purchase_order_line_outer_id: Option<Id>,
    /// `item_map_id`.
    #[serde(default)]
    pub item_map_id: Option<Id>,
    /// `sku_id`.
    #[serde(default)]
    pub sku_id: Option<Id>,
    /// `title`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub title: Option<String>,
    /// `quantity`.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub quantity: Option<i64>,
    /// `status` (Taobao sub-order status, values not documented).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    /// `product_amount` in fen.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub product_amount: Option<i64>,
    /// `purchase_amount` in fen.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub purchase_amount: Option<i64>,
    /// `purchase_currency`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub purchase_currency: Option<String>,
    /// `pay_amount` in fen.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub pay_amount: Option<i64>,
    /// `pay_currency`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub pay_currency: Option<String>,
    /// `domestic_post_fee` in fen.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub domestic_post_fee: Option<i64>,
    /// `logistic_company_name`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub logistic_company_name: Option<String>,
    /// `logistic_number`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub logistic_number: Option<String>,
    /// `close_time_without_payment`.
    #[serde(default)]
    pub close_time_without_payment: Option<Timestamp>,
    /// `rts_time` (ready-to-ship time).
    #[serde(default)]
    pub rts_time: Option<Timestamp>,
    /// `close_reason`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub close_reason: Option<String>,
    /// `error_code`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub error_code: Option<String>,
    /// `detail_error_code`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub detail_error_code: Option<String>,
    /// `error_message`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub error_message: Option<String>,
    /// `subResult` (camelCase on the wire).
    #[serde(
        default,
        rename = "subResult",
        deserialize_with = "lenient::opt_string"
    )]
    pub sub_result: Option<String>,
    /// `alipay_pay_order_no`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub alipay_pay_order_no: Option<String>,
    /// `option_fields`, as sent.
    #[serde(default)]
    pub option_fields: Vec<serde_json::Value>,
    /// `logistic_orders`, as sent (element shape not documented).
    #[serde(default)]
    pub logistic_orders: Vec<serde_json::Value>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Body of the Taobao after-sale refund message (platform 0).
///
/// INFERRED: the PandaPon page (<https://doc-en.pandapon.com/api-263477631>)
/// shows neither the message type nor the body. The Xportcn message manual's
/// refund body starts `{"refundId":"TQ…","orderId":"…", …` (cut off); only
/// those two fields are typed, every other field is in [`TaobaoRefund::extra`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TaobaoRefund {
    /// `refundId`.
    #[serde(default)]
    pub refund_id: Option<Id>,
    /// `orderId`.
    #[serde(default)]
    pub order_id: Option<Id>,
    /// `status`, if sent (INFERRED name).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    /// `refundStatus`, if sent (INFERRED name).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub refund_status: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

impl TaobaoRefund {
    pub(crate) fn key_parts(&self, out: &mut Vec<String>) {
        out.push(opt(&self.refund_id));
        out.push(opt(&self.order_id));
        out.push(opt(&self.status));
        out.push(opt(&self.refund_status));
        out.push(
            self.extra
                .get("gmtModified")
                .map(|v| v.to_string())
                .unwrap_or_default(),
        );
    }
}
