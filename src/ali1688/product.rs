use serde_json::value::RawValue;

use super::Ali1688;
use crate::endpoint::endpoint;
use crate::model::model;
use crate::types::{Decimal, Id, Yuan, lenient};

/// 1688 multilingual category by id. **Path and schema unknown**: only the
/// navigation entry ("Query multilingual categories according to category
/// ID", POST) is documented, so the call fails before sending until a path
/// is set with [`ClientBuilder::override_path`](crate::ClientBuilder::override_path).
///
/// The `categoryId` wire name is INFERRED (the name the 1688 search
/// endpoints use); pass anything else in `other`. The answer is returned raw
/// (schema unknown).
#[endpoint(
    id = "AL-P1",
    method = POST,
    response = Box<RawValue>,
    idempotent,
    handle = Ali1688,
    name = category_get,
    open,
)]
pub struct CategoryGetRequest {
    /// The category id (wire name `categoryId`, INFERRED).
    pub category_id: Id,
}

/// 1688 product details: title, images, SKUs, prices and shipping of one
/// offer, with translated fields.
///
/// The v2 path is guessed from the v1 one (the v2 page, "1688 commodity
/// details inquiry", lists it but was not readable); whether v2 takes the
/// numeric `offerId` there is unknown.
#[endpoint(
    id = "AL-P2",
    method = POST,
    v1 = verified(
        "/alibaba/product/detail/get",
        "https://doc-vnm.pandapon.com/project-4008853/api-147289688"
    ),
    v2 = guessed(
        "/v2/alibaba/product/detail/get",
        "the v1 path under the /v2/alibaba rule; the v2 page (nav: 1688 commodity details inquiry) was not readable"
    ),
    response = ProductDetail,
    idempotent,
    handle = Ali1688,
    name = product_detail,
    args(offer_id),
)]
pub struct ProductDetailRequest {
    /// The 1688 offer id (sent as a JSON integer, as the docs type it).
    #[serde(serialize_with = "lenient::id_as_number")]
    pub offer_id: Id,
    /// Language of translated fields; the docs say "currently fixed to `en`".
    #[builder(default = "en".to_owned())]
    pub country: String,
    /// External member id (optional).
    pub out_member_id: Option<String>,
}

impl ProductDetailRequest {
    /// A request in English.
    pub fn new(offer_id: impl Into<Id>) -> Self {
        ProductDetailRequest::builder().offer_id(offer_id).build()
    }
}

/// A 1688 product (the `data` of AL-P2).
///
/// The docs' sample shows `offerId` .. `description` and is cut inside
/// `description`; the page then lists the remaining fields by description
/// only (in Vietnamese), without their wire names. The fields after
/// `description` carry the names of the upstream 1688 cross-border product
/// model (**INFERRED**, not printed on the platform's page): if the platform
/// names one differently it stays `None`/empty here and its value is kept in
/// `extra`. Objects whose inner fields are not documented at all are kept as
/// JSON values. A shipped public app reads `status`, `mainVideo`,
/// `sellerShopUrl`, `sellerNickName`, `productImage.images`,
/// `productSaleInfo`, `productShippingInfo` and `productAttribute`: those
/// are typed at the **client** level (`docs/endpoints.md`), which confirms
/// their names.
#[model]
pub struct ProductDetail {
    /// Offer id.
    pub offer_id: Option<Id>,
    /// Category id.
    pub category_id: Option<Id>,
    /// Category name (may be null).
    pub category_name: Option<String>,
    /// Title in Chinese.
    pub subject: Option<String>,
    /// Translated title.
    pub subject_trans: Option<String>,
    /// Detail HTML.
    pub description: Option<String>,
    /// Main video URL ("Video chính").
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub main_video: Option<String>,
    /// Detail video URL ("Chi tiết video"; name INFERRED).
    pub detail_video: Option<String>,
    /// Product images ("Địa chỉ ảnh sản phẩm").
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub product_image: Option<ProductImage>,
    /// Product attributes ("Tài sản hàng hóa").
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub product_attribute: Vec<ProductAttribute>,
    /// SKUs with price and stock ("sku Thông tin"; name INFERRED).
    pub product_sku_infos: Vec<ProductSku>,
    /// Sale information ("Tài sản bán hàng"): price tiers and stock; its
    /// other fields are in its `extra`.
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub product_sale_info: Option<ProductSaleInfo>,
    /// Shipping information ("Thông tin vận chuyển"): size, weight, origin;
    /// its other fields are in its `extra`.
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub product_shipping_info: Option<ProductShippingInfo>,
    /// Whether the offer is in the selected-source programme ("Chọn nguồn";
    /// name INFERRED).
    pub is_jxhy: Option<bool>,
    /// The seller's encrypted id ("ID Mã hóa thương gia"; name INFERRED),
    /// used by the v2 order lines.
    pub seller_open_id: Option<String>,
    /// Minimum order quantity ("Số lượng tối thiểu"; name INFERRED).
    pub min_order_quantity: Option<i64>,
    /// Batch quantity ("Số lượng một tay"; name INFERRED).
    pub batch_number: Option<i64>,
    /// Status ("Trạng thái").
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub status: Option<String>,
    /// Service tags ("Nhãn dịch vụ hàng hóa"; name INFERRED; items not
    /// documented).
    pub tag_info_list: Vec<serde_json::Value>,
    /// Tracking-point information to report to 1688 ("Thông tin điểm"; name
    /// INFERRED).
    pub trace_info: Option<String>,
    /// Company name ("Tên doanh nghiệp"; name INFERRED).
    pub company_name: Option<String>,
    /// Seller attribute data ("Dữ liệu thuộc tính thương gia"; name
    /// INFERRED; inner fields not documented).
    pub seller_data_info: Option<serde_json::Value>,
    /// The seller's shop URL.
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub seller_shop_url: Option<String>,
    /// The seller's nickname.
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub seller_nick_name: Option<String>,
}

/// The `productSaleInfo` of a [`ProductDetail`].
#[model]
pub struct ProductSaleInfo {
    /// Wholesale price tiers (the app shows the first tier's price).
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub price_range_list: Vec<PriceRangeTier>,
    /// Stock on sale.
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub amount_on_sale: Option<i64>,
}

/// A wholesale price tier of a [`ProductSaleInfo`]; its other fields (the
/// tier's start quantity among them) are in `extra`.
#[model]
pub struct PriceRangeTier {
    /// Price in yuan (the app shows it after `¥`).
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub price: Option<Yuan>,
}

/// The `productShippingInfo` of a [`ProductDetail`]. Units are not
/// documented (the app shows cm and kg).
#[model]
pub struct ProductShippingInfo {
    /// Width.
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub width: Option<Decimal>,
    /// Length.
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub length: Option<Decimal>,
    /// Height.
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub height: Option<Decimal>,
    /// Weight.
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub weight: Option<Decimal>,
    /// Where the goods ship from, as text.
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub send_goods_address_text: Option<String>,
}

/// The images of a 1688 product (`whiteImage` INFERRED from the upstream
/// model).
#[model]
pub struct ProductImage {
    /// Image URLs.
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub images: Vec<String>,
    /// White-background image URL.
    pub white_image: Option<String>,
}

/// A product attribute (`attributeId` INFERRED from the upstream model).
#[model]
pub struct ProductAttribute {
    /// Attribute id.
    pub attribute_id: Option<Id>,
    /// Attribute name, in Chinese.
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub attribute_name: Option<String>,
    /// Value, in Chinese.
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub value: Option<String>,
    /// Translated attribute name.
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub attribute_name_trans: Option<String>,
    /// Translated value.
    #[model(client = "Hunghs1112/SaboApp, app/productDetail.js, 39301355")]
    pub value_trans: Option<String>,
}

/// One SKU of a 1688 product (names INFERRED from the upstream model).
#[model]
pub struct ProductSku {
    /// SKU id.
    pub sku_id: Option<Id>,
    /// Spec id: the `specId` of an order line ([`CargoParam`](super::CargoParam)).
    pub spec_id: Option<String>,
    /// Price in yuan.
    pub price: Option<Yuan>,
    /// Selected-source price in yuan.
    pub jxhy_price: Option<Yuan>,
    /// Stock.
    pub amount_on_sale: Option<i64>,
    /// The SKU's sale attributes (colour, size, ...).
    pub sku_attributes: Vec<SkuAttribute>,
}

/// A sale attribute of a product's SKU ([`ProductSku::sku_attributes`]; names
/// INFERRED from the upstream model). An order line's attributes are
/// [`SkuInfo`](super::SkuInfo).
#[model]
pub struct SkuAttribute {
    /// Attribute id.
    pub attribute_id: Option<Id>,
    /// Attribute name, in Chinese.
    pub attribute_name: Option<String>,
    /// Translated attribute name.
    pub attribute_name_trans: Option<String>,
    /// Value, in Chinese.
    pub value: Option<String>,
    /// Translated value.
    pub value_trans: Option<String>,
    /// Image of this value.
    pub sku_image_url: Option<String>,
}

/// 1688 Wangwang conversion: decrypts a seller's `openUid` (for an offer)
/// into its Wangwang nickname / chat URL.
///
/// The v1 path is the one a public client calls (no PandaPon doc page shows
/// it; the Xportcn KA docs show `/alibaba/ka/im/openuid/decrypt` with the
/// same body). The response schema is unknown: the answer is returned raw.
#[endpoint(
    id = "AL-P3",
    method = POST,
    v1 = guessed(
        "/alibaba/product/openuid/decrypt",
        "called by a public client; no PandaPon doc page shows it (the KA docs show /alibaba/ka/im/openuid/decrypt)"
    ),
    response = Box<RawValue>,
    idempotent,
    handle = Ali1688,
    name = openuid_decrypt,
)]
pub struct OpenUidDecryptRequest {
    /// The seller's open uid, e.g. `BBBJ82cNui3EUaxxMi_7Go73g`.
    pub open_uid: String,
    /// The offer id, sent as a string (as in the KA example).
    pub offer_id: Id,
}

/// 1688 product recommendation. **Path and schema unknown** (navigation
/// only): the call fails before sending until a path is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path);
/// the body is whatever `other` holds, the answer is returned raw.
#[endpoint(
    id = "AL-P7",
    method = POST,
    response = Box<RawValue>,
    idempotent,
    handle = Ali1688,
    name = product_recommend,
    open,
)]
pub struct ProductRecommendRequest {}

/// 1688 related products: offers related to one offer, by page number.
///
/// The response schema is not documented: the answer is returned raw, and
/// there is no `.pages()` stream (the page's total and item fields are
/// unknown); ask for pages with `page_no`. In v2 the docs pass the opaque
/// map id under the name `offerId`.
#[endpoint(
    id = "AL-P8",
    method = POST,
    v1 = derived("/alibaba/product/productRelatedRecommendQuery"),
    v2 = verified(
        "/v2/alibaba/product/productRelatedRecommendQuery",
        "https://doc-env2.pandapon.com/api-289121023"
    ),
    response = Box<RawValue>,
    idempotent,
    handle = Ali1688,
    name = related_recommend,
)]
pub struct RelatedRecommendRequest {
    /// The offer, as a string (v2 example: the opaque `f6vE-dfY1NV37oG_fz9WSA`).
    pub offer_id: Id,
    /// Page number, from 1 (default 1).
    #[builder(default = 1)]
    pub page_no: u32,
    /// Page size (default 10).
    #[builder(default = 10)]
    pub page_size: u32,
    /// Language: `en` or `vi` (default `en`).
    #[builder(default = "en".to_owned())]
    pub language: String,
}

/// 1688 hot list (best sellers). **Path and schema unknown** (v2
/// navigation only): the call fails before sending until a path is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path);
/// the body is whatever `other` holds, the answer is returned raw.
#[endpoint(
    id = "AL-P11",
    method = POST,
    response = Box<RawValue>,
    idempotent,
    handle = Ali1688,
    name = hot_list,
    open,
)]
pub struct HotListRequest {}
