//! The 1688 models shared by several endpoints (and pushes): the order
//! model, the body of the 1688 price-change push
//! ([`callbacks::Message::Ali1688PriceModify`](crate::callbacks::Message::Ali1688PriceModify))
//! and of the order detail, and the [`DeliveryAddress`] of the cart and the
//! key-account orders.
//!
//! Money is decimal yuan ([`Yuan`]), kept exactly as sent; times are
//! [`Timestamp`]s (1688 sends `20170913231916000-0700`).

use serde::Serialize;

use crate::callbacks::wire_enum;
use crate::model::model;
use crate::types::{Decimal, Id, Timestamp, Yuan};

wire_enum! {
    /// A 1688 order or order-line status (`baseInfo.status`,
    /// `productItems[].status`): 1688's lower-case values.
    pub enum OrderStatus {
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
    /// order or order line). Matching ignores case and underscores, so
    /// `WAIT_SELLER_AGREE` is [`RefundStatus::WaitSellerAgree`].
    pub enum RefundStatus {
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

/// A full 1688 order.
///
/// The main parts are typed; `orderInvoiceInfo`, `customs`,
/// `overseasExtraAddress`, `orderBizInfo` and anything else are kept in
/// `extra`.
#[model]
pub struct Order {
    /// `baseInfo`.
    pub base_info: Option<OrderBaseInfo>,
    /// `nativeLogistics`: domestic delivery address and parcels.
    pub native_logistics: Option<NativeLogistics>,
    /// `productItems`: order lines.
    pub product_items: Vec<ProductItem>,
    /// `tradeTerms`: payment phases.
    pub trade_terms: Vec<TradeTerm>,
    /// `extAttributes`, as sent.
    pub ext_attributes: Vec<serde_json::Value>,
    /// `orderRateInfo`.
    pub order_rate_info: Option<OrderRateInfo>,
}

/// `baseInfo` of a 1688 order.
#[model]
pub struct OrderBaseInfo {
    /// `id`. The docs' sample already lost digits in this number
    /// (`58218860983545944` vs `idOfStr` `58218860983545941`): prefer
    /// [`id_of_str`](Self::id_of_str).
    pub id: Option<Id>,
    /// `idOfStr`: the order id as text (exact).
    pub id_of_str: Option<String>,
    /// `status`.
    pub status: Option<OrderStatus>,
    /// `businessType` (e.g. `cn`).
    pub business_type: Option<String>,
    /// `tradeType` (e.g. `50060`).
    pub trade_type: Option<String>,
    /// `buyerID`.
    #[model(rename = "buyerID")]
    pub buyer_id: Option<String>,
    /// `sellerID`.
    #[model(rename = "sellerID")]
    pub seller_id: Option<String>,
    /// `buyerUserId`.
    pub buyer_user_id: Option<Id>,
    /// `sellerUserId`.
    pub seller_user_id: Option<Id>,
    /// `buyerLoginId`.
    pub buyer_login_id: Option<String>,
    /// `sellerLoginId`.
    pub seller_login_id: Option<String>,
    /// `buyerAlipayId`.
    pub buyer_alipay_id: Option<String>,
    /// `sellerAlipayId`.
    pub seller_alipay_id: Option<String>,
    /// `alipayTradeId`.
    pub alipay_trade_id: Option<String>,
    /// `totalAmount`.
    pub total_amount: Option<Yuan>,
    /// `sumProductPayment`.
    pub sum_product_payment: Option<Yuan>,
    /// `shippingFee`.
    pub shipping_fee: Option<Yuan>,
    /// `discount` (unit not documented: kept as sent).
    pub discount: Option<Decimal>,
    /// `refund`.
    pub refund: Option<Yuan>,
    /// `refundPayment`.
    pub refund_payment: Option<Yuan>,
    /// `refundStatus`.
    pub refund_status: Option<RefundStatus>,
    /// `stepPayAll`.
    pub step_pay_all: Option<bool>,
    /// `createTime`.
    pub create_time: Option<Timestamp>,
    /// `modifyTime`.
    pub modify_time: Option<Timestamp>,
    /// `payTime`.
    pub pay_time: Option<Timestamp>,
    /// `allDeliveredTime`.
    pub all_delivered_time: Option<Timestamp>,
    /// `buyerContact`.
    pub buyer_contact: Option<OrderContact>,
    /// `sellerContact`.
    pub seller_contact: Option<OrderContact>,
    /// `receiverInfo`.
    pub receiver_info: Option<ReceiverInfo>,
}

/// `buyerContact` / `sellerContact` of a 1688 order.
#[model]
pub struct OrderContact {
    /// `name`.
    pub name: Option<String>,
    /// `phone`.
    pub phone: Option<String>,
    /// `mobile`.
    pub mobile: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `imInPlatform` (Wangwang nick).
    pub im_in_platform: Option<String>,
    /// `companyName`.
    pub company_name: Option<String>,
}

/// `receiverInfo` of a 1688 order (`toMobile`, `toPhone`, ... are in
/// `extra`).
#[model]
pub struct ReceiverInfo {
    /// `toFullName`.
    pub to_full_name: Option<String>,
    /// `toDivisionCode`.
    pub to_division_code: Option<String>,
    /// `toTownCode`.
    pub to_town_code: Option<String>,
    /// `toPost`.
    pub to_post: Option<String>,
    /// `toArea`.
    pub to_area: Option<String>,
}

/// `nativeLogistics` of a 1688 order: the domestic delivery address and the
/// parcels.
#[model]
pub struct NativeLogistics {
    /// `contactPerson`.
    pub contact_person: Option<String>,
    /// `mobile`.
    pub mobile: Option<String>,
    /// `province`.
    pub province: Option<String>,
    /// `city`.
    pub city: Option<String>,
    /// `area`.
    pub area: Option<String>,
    /// `areaCode`.
    pub area_code: Option<String>,
    /// `town`.
    pub town: Option<String>,
    /// `townCode`.
    pub town_code: Option<String>,
    /// `address`.
    pub address: Option<String>,
    /// `zip`.
    pub zip: Option<String>,
    /// `logisticsItems`: parcels.
    pub logistics_items: Vec<LogisticsItem>,
}

/// One parcel of `nativeLogistics.logisticsItems`.
#[model]
pub struct LogisticsItem {
    /// `id`.
    pub id: Option<Id>,
    /// `logisticsCode`.
    pub logistics_code: Option<String>,
    /// `logisticsBillNo` (tracking number, or text such as `不需要物流`).
    pub logistics_bill_no: Option<String>,
    /// `type`.
    #[model(rename = "type")]
    pub kind: Option<String>,
    /// `status` (e.g. `alreadysend`).
    pub status: Option<String>,
    /// `subItemIds`: comma-separated order-line ids; see
    /// [`sub_item_id_list`](Self::sub_item_id_list).
    pub sub_item_ids: Option<String>,
    /// `fromPhone`.
    pub from_phone: Option<String>,
    /// `fromMobile`.
    pub from_mobile: Option<String>,
    /// `deliveredTime`.
    pub delivered_time: Option<Timestamp>,
    /// `gmtCreate`.
    pub gmt_create: Option<Timestamp>,
    /// `gmtModified`.
    pub gmt_modified: Option<Timestamp>,
}

impl LogisticsItem {
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
#[model]
pub struct ProductItem {
    /// `subItemID`. Large numbers may have lost digits upstream; prefer
    /// [`sub_item_id_string`](Self::sub_item_id_string) when present.
    #[model(rename = "subItemID")]
    pub sub_item_id: Option<Id>,
    /// `subItemIDString`.
    #[model(rename = "subItemIDString")]
    pub sub_item_id_string: Option<String>,
    /// `productID`.
    #[model(rename = "productID")]
    pub product_id: Option<Id>,
    /// `skuID`.
    #[model(rename = "skuID")]
    pub sku_id: Option<Id>,
    /// `specId`.
    pub spec_id: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `price`: unit price.
    pub price: Option<Yuan>,
    /// `itemAmount`: line amount.
    pub item_amount: Option<Yuan>,
    /// `quantity`.
    pub quantity: Option<Decimal>,
    /// `quantityFactor`.
    pub quantity_factor: Option<Decimal>,
    /// `entryDiscount` (unit not documented: kept as sent).
    pub entry_discount: Option<Decimal>,
    /// `refund`.
    pub refund: Option<Yuan>,
    /// `unit`.
    pub unit: Option<String>,
    /// `type` (e.g. `common`).
    #[model(rename = "type")]
    pub kind: Option<String>,
    /// `status`.
    pub status: Option<OrderStatus>,
    /// `statusStr` (Chinese status text).
    pub status_str: Option<String>,
    /// `refundStatus` (`WAIT_SELLER_AGREE` ...).
    pub refund_status: Option<RefundStatus>,
    /// `refundId`.
    pub refund_id: Option<Id>,
    /// `logisticsStatus`.
    pub logistics_status: Option<i64>,
    /// `productImgUrl`.
    pub product_img_url: Vec<String>,
    /// `productSnapshotUrl`.
    pub product_snapshot_url: Option<String>,
    /// `skuInfos`: the line's SKU attributes.
    pub sku_infos: Vec<SkuInfo>,
    /// `guaranteesTerms`, as sent.
    pub guarantees_terms: Vec<serde_json::Value>,
    /// `gmtCreate`.
    pub gmt_create: Option<Timestamp>,
    /// `gmtModified`.
    pub gmt_modified: Option<Timestamp>,
    /// `gmtPayExpireTime` (malformed in the docs' sample: kept raw).
    pub gmt_pay_expire_time: Option<Timestamp>,
}

/// One `skuInfos` entry of an order line: attribute name and value.
#[model]
pub struct SkuInfo {
    /// `name` (e.g. `颜色`).
    pub name: Option<String>,
    /// `value` (e.g. `白色`).
    pub value: Option<String>,
}

/// One `tradeTerms` entry (payment phase).
#[model]
pub struct TradeTerm {
    /// `phase`.
    pub phase: Option<Id>,
    /// `payStatus`.
    pub pay_status: Option<String>,
    /// `payWay`.
    pub pay_way: Option<String>,
    /// `payTime`.
    pub pay_time: Option<Timestamp>,
    /// `phasAmount` (sic): the phase's amount.
    pub phas_amount: Option<Yuan>,
}

/// `orderRateInfo`: the rating state of an order.
#[model]
pub struct OrderRateInfo {
    /// `buyerRateStatus`.
    pub buyer_rate_status: Option<i64>,
    /// `sellerRateStatus`.
    pub seller_rate_status: Option<i64>,
}

/// A 1688 delivery address with every field optional (`addressParam`,
/// `FastAdress` in the schemas): one type for the cart's order preview and
/// creation ([`CartPreviewOrderRequest`](super::CartPreviewOrderRequest),
/// [`CartCreateOrderRequest`](super::CartCreateOrderRequest)) and the
/// key-account order preview and creation
/// ([`bigmajor::OrderPreviewRequest`](crate::bigmajor::OrderPreviewRequest),
/// [`bigmajor::OrderCreateRequest`](crate::bigmajor::OrderCreateRequest)).
///
/// Which fields are required differs by page: every field is optional on
/// the zh cart page; the vi cart page requires `fullName`, `mobile`, `phone`,
/// `cityText`, `provinceText` and `address`, and has no `districtCode`; the
/// KA docs do not say (names from the preview's request example,
/// [BM-3](https://doc-en-ka.xportcn.com/api-338074941); the create page's
/// example is cut after `postCode`). The single-order creation (AL-O3)
/// takes [`AddressParam`](super::AddressParam), whose five fields the v1
/// create page requires are required there.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, bon::Builder)]
#[serde(rename_all = "camelCase")]
#[builder(on(String, into))]
#[non_exhaustive]
pub struct DeliveryAddress {
    /// Recipient's name (`fullName`).
    pub full_name: Option<String>,
    /// Mobile number.
    pub mobile: Option<String>,
    /// Landline number (the KA docs' example sends `""`).
    pub phone: Option<String>,
    /// Postal code.
    pub post_code: Option<String>,
    /// City, as text (`cityText`).
    pub city_text: Option<String>,
    /// Province, as text (`provinceText`).
    pub province_text: Option<String>,
    /// District, as text (`areaText`).
    pub area_text: Option<String>,
    /// Town, as text (`townText`).
    pub town_text: Option<String>,
    /// Street address.
    pub address: Option<String>,
    /// Administrative division code, e.g. `451481` (`districtCode`).
    pub district_code: Option<String>,
}
