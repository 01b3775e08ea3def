//! Taobao (`messagePlatform: 0`) message bodies.

use super::order::opt;
use crate::model::model;
use crate::types::{Fen, Id, Timestamp};

/// Body of the Taobao order price change message
/// (`ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY` / `TAOBAO_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY`,
/// platform 0).
///
/// VERIFIED schema: PandaPon API reference
/// (<https://doc-en.pandapon.com/api-263477629>: schema and sample). The
/// `subOrders` keys are snake_case while the outer keys are camelCase.
/// Amounts are integer fen (分).
#[model]
pub struct TaobaoPriceModify {
    /// Taobao order number (`salesOrderId`).
    pub sales_order_id: Option<Id>,
    /// Sub-orders (`subOrders`).
    pub sub_orders: Vec<TaobaoSubOrder>,
    /// New purchase order price (`purchaseOrderPriceDTO`).
    #[model(rename = "purchaseOrderPriceDTO")]
    pub purchase_order_price: Option<PurchaseOrderPrice>,
}

impl TaobaoPriceModify {
    pub(crate) fn key_parts(&self, out: &mut Vec<String>) {
        out.push(opt(&self.sales_order_id));
        if let Some(p) = &self.purchase_order_price {
            for fee in [
                p.purchase_total_fee,
                p.purchase_product_fee,
                p.purchase_shipping_fee,
            ] {
                out.push(opt(&fee.map(Fen::fen)));
            }
        }
        for s in &self.sub_orders {
            out.push(opt(&s.sub_purchase_order_id));
            out.push(opt(&s.status));
            out.push(opt(&s.pay_amount.map(Fen::fen)));
        }
    }
}

/// The new price of a Taobao purchase order (`purchaseOrderPriceDTO`).
#[model]
pub struct PurchaseOrderPrice {
    /// `purchaseCurrency`.
    pub purchase_currency: Option<String>,
    /// `purchaseTotalFee`.
    pub purchase_total_fee: Option<Fen>,
    /// `purchaseProductFee`.
    pub purchase_product_fee: Option<Fen>,
    /// `purchaseShippingFee`.
    pub purchase_shipping_fee: Option<Fen>,
}

/// One Taobao sub-order of a price change message (snake_case on the wire).
#[model(rename_all = "snake_case")]
pub struct TaobaoSubOrder {
    /// `sub_purchase_order_id`.
    pub sub_purchase_order_id: Option<Id>,
    /// `purchase_order_outer_id`.
    pub purchase_order_outer_id: Option<Id>,
    /// `purchase_order_line_outer_id`.
    pub purchase_order_line_outer_id: Option<Id>,
    /// `item_map_id`.
    pub item_map_id: Option<Id>,
    /// `sku_id`.
    pub sku_id: Option<Id>,
    /// `title`.
    pub title: Option<String>,
    /// `quantity`.
    pub quantity: Option<i64>,
    /// `status` (Taobao sub-order status, values not documented).
    pub status: Option<String>,
    /// `product_amount`.
    pub product_amount: Option<Fen>,
    /// `purchase_amount`.
    pub purchase_amount: Option<Fen>,
    /// `purchase_currency`.
    pub purchase_currency: Option<String>,
    /// `pay_amount`.
    pub pay_amount: Option<Fen>,
    /// `pay_currency`.
    pub pay_currency: Option<String>,
    /// `domestic_post_fee`.
    pub domestic_post_fee: Option<Fen>,
    /// `logistic_company_name`.
    pub logistic_company_name: Option<String>,
    /// `logistic_number`.
    pub logistic_number: Option<String>,
    /// `close_time_without_payment`.
    pub close_time_without_payment: Option<Timestamp>,
    /// `rts_time` (ready-to-ship time).
    pub rts_time: Option<Timestamp>,
    /// `close_reason`.
    pub close_reason: Option<String>,
    /// `error_code`.
    pub error_code: Option<String>,
    /// `detail_error_code`.
    pub detail_error_code: Option<String>,
    /// `error_message`.
    pub error_message: Option<String>,
    /// `subResult` (camelCase on the wire).
    #[model(rename = "subResult")]
    pub sub_result: Option<String>,
    /// `alipay_pay_order_no`.
    pub alipay_pay_order_no: Option<String>,
    /// `option_fields`, as sent.
    pub option_fields: Vec<serde_json::Value>,
    /// `logistic_orders`, as sent (element shape not documented).
    pub logistic_orders: Vec<serde_json::Value>,
}

/// Body of the Taobao after-sale refund message (platform 0).
///
/// INFERRED: the PandaPon page (<https://doc-en.pandapon.com/api-263477631>)
/// shows neither the message type nor the body. The Xportcn message manual's
/// refund body starts `{"refundId":"TQ…","orderId":"…", …` (cut off); only
/// those fields are typed, every other field is in `extra`.
#[model]
pub struct TaobaoRefund {
    /// `refundId`.
    pub refund_id: Option<Id>,
    /// `orderId`.
    pub order_id: Option<Id>,
    /// `status`, if sent (INFERRED name).
    pub status: Option<String>,
    /// `refundStatus`, if sent (INFERRED name).
    pub refund_status: Option<String>,
}

impl TaobaoRefund {
    pub(crate) fn key_parts(&self, out: &mut Vec<String>) {
        out.push(opt(&self.refund_id));
        out.push(opt(&self.order_id));
        out.push(opt(&self.status));
        out.push(opt(&self.refund_status));
        out.push(opt(&self.extra.get("gmtModified").map(|v| v.get())));
    }
}
