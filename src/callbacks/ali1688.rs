//! 1688 (`messagePlatform: 1`) message bodies.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::order::{OrderSummary, opt};
use super::wire_enum;
use crate::types::{Decimal, Extra, Id, Timestamp, lenient};

wire_enum! {
    /// A 1688 order or order-line status (`baseInfo.status`,
    /// `productItems[].status`). These are 1688's lower-case values.
    pub enum Ali1688OrderStatus {
        /// `waitbuyerpay`.
        WaitBuyerPay = "waitbuyerpay",
        /// `waitsellersend`.
        WaitSellerSend = "waitsellersend",
        /// `waitlogisticstakein`.
        WaitLogisticsTakeIn = "waitlogisticstakein",
        /// `waitbuyerreceive`.
        WaitBuyerReceive = "waitbuyerreceive",
        /// `waitbuyersign`.
        WaitBuyerSign = "waitbuyersign",
        /// `signinsuccess`.
        SignInSuccess = "signinsuccess",
        /// `confirm_goods`.
        ConfirmGoods = "confirm_goods",
        /// `success`.
        Success = "success",
        /// `cancel`.
        Cancel = "cancel",
        /// `terminated`.
        Terminated = "terminated",
    }
}

wire_enum! {
    /// A 1688 refund status (`status` of a refund, `refundStatus` of an
    /// order). Matching ignores case and underscores, so
    /// `WAIT_SELLER_AGREE` is [`Ali1688RefundStatus::WaitSellerAgree`].
    pub enum Ali1688RefundStatus {
        /// `waitselleragree`: waiting for the seller to agree.
        WaitSellerAgree = "waitselleragree",
        /// `refundsuccess`: refunded.
        RefundSuccess = "refundsuccess",
        /// `refundclose`: closed without refund.
        RefundClose = "refundclose",
        /// `waitbuyermodify`: the seller refused; the buyer may modify.
        WaitBuyerModify = "waitbuyermodify",
        /// `waitbuyersend`: waiting for the buyer to return the goods.
        WaitBuyerSend = "waitbuyersend",
        /// `waitsellerreceive`: waiting for the seller to receive the return.
        WaitSellerReceive = "waitsellerreceive",
    }
}

/// Body of the 1688 order price change message
/// (`ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY` with platform 1).
///
/// The PandaPon/Xportcn API reference (`docs-pages/000`) sends the full 1688
/// order; the Xportcn KA message manual sends the compact order summary. The
/// SDK tells them apart by shape: a body with `baseInfo` (or
/// `productItems`) is an [`Ali1688PriceModify::Order`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Ali1688PriceModify {
    /// The full 1688 order (VERIFIED, `docs-pages/000`).
    Order(Box<Ali1688Order>),
    /// The compact order summary (VERIFIED, Xportcn KA message manual).
    Summary(Box<OrderSummary>),
}

impl Ali1688PriceModify {
    pub(crate) fn key_parts(&self, out: &mut Vec<String>) {
        match self {
            Ali1688PriceModify::Order(o) => o.key_parts(out),
            Ali1688PriceModify::Summary(s) => s.key_parts(out),
        }
    }
}

/// A full 1688 order, as pushed by the 1688 price change message.
///
/// The main parts are typed; `orderInvoiceInfo`, `customs`,
/// `overseasExtraAddress`, `orderBizInfo`, `guaranteesTerms` and anything
/// else are kept in [`Ali1688Order::extra`]. Money is decimal yuan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Ali1688Order {
    /// `baseInfo`.
    #[serde(default)]
    pub base_info: Option<Ali1688OrderBaseInfo>,
    /// `nativeLogistics`: domestic delivery address and parcels.
    #[serde(default)]
    pub native_logistics: Option<Ali1688NativeLogistics>,
    /// `productItems`: order lines.
    #[serde(default, deserialize_with = "null_as_default")]
    pub product_items: Vec<Ali1688ProductItem>,
    /// `tradeTerms`: payment phases.
    #[serde(default, deserialize_with = "null_as_default")]
    pub trade_terms: Vec<Ali1688TradeTerm>,
    /// `extAttributes`, as sent.
    #[serde(default, deserialize_with = "null_as_default")]
    pub ext_attributes: Vec<serde_json::Value>,
    /// `orderRateInfo`, as sent (`buyerRateStatus`, `sellerRateStatus`).
    #[serde(default)]
    pub order_rate_info: Option<Extra>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Ali1688Order {
    pub(crate) fn key_parts(&self, out: &mut Vec<String>) {
        if let Some(b) = &self.base_info {
            out.push(b.id_of_str.clone().unwrap_or_else(|| opt(&b.id)));
            out.push(opt(&b.status));
            out.push(opt(&b.total_amount));
            out.push(opt(&b.shipping_fee));
            out.push(opt(&b.refund_status));
            out.push(opt(&b.modify_time));
        }
        for p in &self.product_items {
            out.push(opt(&p.sub_item_id));
            out.push(opt(&p.item_amount));
        }
    }
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// `baseInfo` of a 1688 order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Ali1688OrderBaseInfo {
    /// `id`. The docs' sample already lost digits in this number
    /// (`58218860983545944` vs `idOfStr` `58218860983545941`): prefer
    /// [`id_of_str`](Self::id_of_str).
    #[serde(default)]
    pub id: Option<Id>,
    /// `idOfStr`: the order id as text (exact).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id_of_str: Option<String>,
    /// `status`.
    #[serde(default)]
    pub status: Option<Ali1688OrderStatus>,
    /// `businessType` (e.g. `cn`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub business_type: Option<String>,
    /// `tradeType` (e.g. `50060`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub trade_type: Option<String>,
    /// `buyerID`.
    #[serde(default, rename = "buyerID", deserialize_with = "lenient::opt_string")]
    pub buyer_id: Option<String>,
    /// `sellerID`.
    #[serde(default, rename = "sellerID", deserialize_with = "lenient::opt_string")]
    pub seller_id: Option<String>,
    /// `buyerUserId`.
    #[serde(default)]
    pub buyer_user_id: Option<Id>,
    /// `sellerUserId`.
    #[serde(default)]
    pub seller_user_id: Option<Id>,
    /// `buyerLoginId`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub buyer_login_id: Option<String>,
    /// `sellerLoginId`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub seller_login_id: Option<String>,
    /// `buyerAlipayId`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub buyer_alipay_id: Option<String>,
    /// `sellerAlipayId`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub seller_alipay_id: Option<String>,
    /// `alipayTradeId`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub alipay_trade_id: Option<String>,
    /// `totalAmount` in yuan.
    #[serde(default)]
    pub total_amount: Option<Decimal>,
    /// `sumProductPayment` in yuan.
    #[serde(default)]
    pub sum_product_payment: Option<Decimal>,
    /// `shippingFee` in yuan.
    #[serde(default)]
    pub shipping_fee: Option<Decimal>,
    /// `discount`.
    #[serde(default)]
    pub discount: Option<Decimal>,
    /// `refund`.
    #[serde(default)]
    pub refund: Option<Decimal>,
    /// `refundPayment`.
    #[serde(default)]
    pub refund_payment: Option<Decimal>,
    /// `refundStatus`.
    #[serde(default)]
    pub refund_status: Option<Ali1688RefundStatus>,
    /// `stepPayAll`.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub step_pay_all: Option<bool>,
    /// `createTime`.
    #[serde(default)]
    pub create_time: Option<Timestamp>,
    /// `modifyTime`.
    #[serde(default)]
    pub modify_time: Option<Timestamp>,
    /// `payTime`.
    #[serde(default)]
    pub pay_time: Option<Timestamp>,
    /// `allDeliveredTime`.
    #[serde(default)]
    pub all_delivered_time: Option<Timestamp>,
    /// `buyerContact`.
    #[serde(default)]
    pub buyer_contact: Option<Ali1688Contact>,
    /// `sellerContact`.
    #[serde(default)]
    pub seller_contact: Option<Ali1688Contact>,
    /// `receiverInfo`.
    #[serde(default)]
    pub receiver_info: Option<Ali1688ReceiverInfo>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `buyerContact` / `sellerContact` of a 1688 order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Ali1688Contact {
    /// `name`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// `phone`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub phone: Option<String>,
    /// `mobile`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub mobile: Option<String>,
    /// `email`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub email: Option<String>,
    /// `imInPlatform` (Wangwang nick).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub im_in_platform: Option<String>,
    /// `companyName`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub company_name: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `receiverInfo` of a 1688 order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Ali1688ReceiverInfo {
    /// `toFullName`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub to_full_name: Option<String>,
    /// `toDivisionCode`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub to_division_code: Option<String>,
    /// `toTownCode`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub to_town_code: Option<String>,
    /// `toPost`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub to_post: Option<String>,
    /// `toArea`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub to_area: Option<String>,
    /// Every other field (`toMobile`, `toPhone`, ...), as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `nativeLogistics` of a 1688 order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Ali1688NativeLogistics {
    /// `contactPerson`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub contact_person: Option<String>,
    /// `mobile`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub mobile: Option<String>,
    /// `province`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub province: Option<String>,
    /// `city`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub city: Option<String>,
    /// `area`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub area: Option<String>,
    /// `areaCode`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub area_code: Option<String>,
    /// `town`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub town: Option<String>,
    /// `townCode`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub town_code: Option<String>,
    /// `address`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub address: Option<String>,
    /// `zip`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub zip: Option<String>,
    /// `logisticsItems`: parcels.
    #[serde(default, deserialize_with = "null_as_default")]
    pub logistics_items: Vec<Ali1688LogisticsItem>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One parcel of `nativeLogistics.logisticsItems`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Ali1688LogisticsItem {
    /// `id`.
    #[serde(default)]
    pub id: Option<Id>,
    /// `logisticsCode`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub logistics_code: Option<String>,
    /// `logisticsBillNo` (tracking number, or text such as `不需要物流`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub logistics_bill_no: Option<String>,
    /// `type`.
    #[serde(default, rename = "type", deserialize_with = "lenient::opt_string")]
    pub kind: Option<String>,
    /// `status` (e.g. `alreadysend`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    /// `subItemIds`: comma-separated order-line ids; see
    /// [`sub_item_id_list`](Self::sub_item_id_list).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub sub_item_ids: Option<String>,
    /// `fromPhone`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub from_phone: Option<String>,
    /// `fromMobile`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub from_mobile: Option<String>,
    /// `deliveredTime`.
    #[serde(default)]
    pub delivered_time: Option<Timestamp>,
    /// `gmtCreate`.
    #[serde(default)]
    pub gmt_create: Option<Timestamp>,
    /// `gmtModified`.
    #[serde(default)]
    pub gmt_modified: Option<Timestamp>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Ali1688LogisticsItem {
    /// `subItemIds` split on commas, whitespace trimmed, empty parts dropped.
    pub fn sub_item_id_list(&self) -> Vec<Id> {
        self.sub_item_ids
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Id::from)
            .collect()
    }
}

/// One order line of `productItems`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Ali1688ProductItem {
    /// `subItemID`. Large numbers may have lost digits upstream; prefer
    /// [`sub_item_id_string`](Self::sub_item_id_string) when present.
    #[serde(default, rename = "subItemID")]
    pub sub_item_id: Option<Id>,
    /// `subItemIDString`.
    #[serde(
        default,
        rename = "subItemIDString",
        deserialize_with = "lenient::opt_string"
    )]
    pub sub_item_id_string: Option<String>,
    /// `productID`.
    #[serde(default, rename = "productID")]
    pub product_id: Option<Id>,
    /// `skuID`.
    #[serde(default, rename = "skuID")]
    pub sku_id: Option<Id>,
    /// `specId`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub spec_id: Option<String>,
    /// `name`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// `price` in yuan.
    #[serde(default)]
    pub price: Option<Decimal>,
    /// `itemAmount` in yuan.
    #[serde(default)]
    pub item_amount: Option<Decimal>,
    /// `quantity`.
    #[serde(default)]
    pub quantity: Option<Decimal>,
    /// `quantityFactor`.
    #[serde(default)]
    pub quantity_factor: Option<Decimal>,
    /// `entryDiscount`.
    #[serde(default)]
    pub entry_discount: Option<Decimal>,
    /// `refund`.
    #[serde(default)]
    pub refund: Option<Decimal>,
    /// `unit`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub unit: Option<String>,
    /// `type` (e.g. `common`).
    #[serde(default, rename = "type", deserialize_with = "lenient::opt_string")]
    pub kind: Option<String>,
    /// `status`.
    #[serde(default)]
    pub status: Option<Ali1688OrderStatus>,
    /// `statusStr` (Chinese status text).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status_str: Option<String>,
    /// `refundStatus` (`WAIT_SELLER_AGREE` ...).
    #[serde(default)]
    pub refund_status: Option<Ali1688RefundStatus>,
    /// `refundId`.
    #[serde(default)]
    pub refund_id: Option<Id>,
    /// `logisticsStatus`.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub logistics_status: Option<i64>,
    /// `productImgUrl`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub product_img_url: Vec<String>,
    /// `productSnapshotUrl`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub product_snapshot_url: Option<String>,
    /// `skuInfos`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub sku_infos: Vec<Ali1688SkuInfo>,
    /// `guaranteesTerms`, as sent.
    #[serde(default, deserialize_with = "null_as_default")]
    pub guarantees_terms: Vec<serde_json::Value>,
    /// `gmtCreate`.
    #[serde(default)]
    pub gmt_create: Option<Timestamp>,
    /// `gmtModified`.
    #[serde(default)]
    pub gmt_modified: Option<Timestamp>,
    /// `gmtPayExpireTime` (malformed in the docs' sample: kept raw).
    #[serde(default)]
    pub gmt_pay_expire_time: Option<Timestamp>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One `skuInfos` entry: attribute name and value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct Ali1688SkuInfo {
    /// `name` (e.g. `颜色`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// `value` (e.g. `白色`).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub value: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One `tradeTerms` entry (payment phase).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Ali1688TradeTerm {
    /// `phase`.
    #[serde(default)]
    pub phase: Option<Id>,
    /// `payStatus`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub pay_status: Option<String>,
    /// `payWay`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub pay_way: Option<String>,
    /// `payTime`.
    #[serde(default)]
    pub pay_time: Option<Timestamp>,
    /// `phasAmount` (sic) in yuan.
    #[serde(default)]
    pub phas_amount: Option<Decimal>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Body of the 1688 buyer refund message
/// (`ORDER_BUYER_VIEW_ORDER_BUYER_REFUND` with platform 1): a 1688 refund
/// record.
///
/// VERIFIED from the Xportcn API reference sample (`docs-pages/002`).
/// Amounts are integer **fen** (the sample's `applyPayment: 11700` is the
/// `退款货品金额:117.00` of its operation log).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Ali1688Refund {
    /// `refundId` (e.g. `TQ142969441872889407`).
    #[serde(default)]
    pub refund_id: Option<Id>,
    /// `id`: numeric refund id.
    #[serde(default)]
    pub id: Option<Id>,
    /// `orderId`.
    #[serde(default)]
    pub order_id: Option<Id>,
    /// `status`.
    #[serde(default)]
    pub status: Option<Ali1688RefundStatus>,
    /// `productName`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub product_name: Option<String>,
    /// `applyPayment` in fen.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub apply_payment: Option<i64>,
    /// `applyCarriage` in fen.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub apply_carriage: Option<i64>,
    /// `refundPayment` in fen.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub refund_payment: Option<i64>,
    /// `refundCarriage` in fen.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub refund_carriage: Option<i64>,
    /// `canRefundPayment` in fen.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub can_refund_payment: Option<i64>,
    /// `frozenFund` in fen (`-1` in the sample).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub frozen_fund: Option<i64>,
    /// `applyReason`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub apply_reason: Option<String>,
    /// `applyReasonId`.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub apply_reason_id: Option<i64>,
    /// `onlyRefund`: refund without returning goods.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub only_refund: Option<bool>,
    /// `refundGoods`.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub refund_goods: Option<bool>,
    /// `goodsReceived`.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub goods_received: Option<bool>,
    /// `goodsStatus`.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub goods_status: Option<i64>,
    /// `buyerSendGoods`.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub buyer_send_goods: Option<bool>,
    /// `disputeRequest`.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub dispute_request: Option<i64>,
    /// `disputeType`.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub dispute_type: Option<i64>,
    /// `alipayPaymentId`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub alipay_payment_id: Option<String>,
    /// `buyerMemberId`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub buyer_member_id: Option<String>,
    /// `sellerMemberId`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub seller_member_id: Option<String>,
    /// `buyerLoginId`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub buyer_login_id: Option<String>,
    /// `sellerLoginId`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub seller_login_id: Option<String>,
    /// `tradeTypeStr`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub trade_type_str: Option<String>,
    /// `gmtApply`.
    #[serde(default)]
    pub gmt_apply: Option<Timestamp>,
    /// `gmtCompleted`.
    #[serde(default)]
    pub gmt_completed: Option<Timestamp>,
    /// `gmtCreate`.
    #[serde(default)]
    pub gmt_create: Option<Timestamp>,
    /// `gmtModified`.
    #[serde(default)]
    pub gmt_modified: Option<Timestamp>,
    /// `createTime`.
    #[serde(default)]
    pub create_time: Option<Timestamp>,
    /// `orderEntryIdList`: refunded order lines.
    #[serde(default, deserialize_with = "null_as_default")]
    pub order_entry_id_list: Vec<Id>,
    /// `orderEntryCountMap`: order-line id → quantity.
    #[serde(default, deserialize_with = "null_as_default")]
    pub order_entry_count_map: BTreeMap<String, i64>,
    /// `extInfo`, a free-form map (`sdkCode`, `bizCode`, ...), as sent.
    #[serde(default, deserialize_with = "null_as_default")]
    pub ext_info: Extra,
    /// `refundOperationList`: the refund's history.
    #[serde(default, deserialize_with = "null_as_default")]
    pub refund_operation_list: Vec<Ali1688RefundOperation>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Ali1688Refund {
    pub(crate) fn key_parts(&self, out: &mut Vec<String>) {
        out.push(opt(&self.refund_id));
        out.push(opt(&self.order_id));
        out.push(opt(&self.status));
        out.push(opt(&self.refund_payment));
        out.push(opt(&self.gmt_modified));
    }
}

/// One entry of `refundOperationList`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Ali1688RefundOperation {
    /// `id`.
    #[serde(default)]
    pub id: Option<Id>,
    /// `refundId`.
    #[serde(default)]
    pub refund_id: Option<Id>,
    /// `beforeOperateStatus`.
    #[serde(default)]
    pub before_operate_status: Option<Ali1688RefundStatus>,
    /// `afterOperateStatus`.
    #[serde(default)]
    pub after_operate_status: Option<Ali1688RefundStatus>,
    /// `discription` (sic on the wire).
    #[serde(
        default,
        rename = "discription",
        deserialize_with = "lenient::opt_string"
    )]
    pub description: Option<String>,
    /// `operateRemark`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub operate_remark: Option<String>,
    /// `operateTypeInt`.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub operate_type_int: Option<i64>,
    /// `operatorLoginId`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub operator_login_id: Option<String>,
    /// `operatorRoleId`.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub operator_role_id: Option<i64>,
    /// `operatorUserId`.
    #[serde(default)]
    pub operator_user_id: Option<Id>,
    /// `gmtCreate`.
    #[serde(default)]
    pub gmt_create: Option<Timestamp>,
    /// `gmtModified`.
    #[serde(default)]
    pub gmt_modified: Option<Timestamp>,
    /// Every other field (`messageStatus`, `msgType`, ...), as sent.
    #[serde(flatten)]
    pub extra: Extra,
}
