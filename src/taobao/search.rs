//! Taobao product endpoints beyond the lookup by id (TB-P8, in `product.rs`):
//! recommendation, SPUs, detail V2, keyword and image search, batch check,
//! product inquiry.
//!
//! How the search rows were mapped (the catalogue's TB-P4, TB-P5 and TB-P5b
//! overlap; the decision is recorded here and in `docs/endpoints.md`):
//!
//! * The PandaPon v2 page titled "Taobao product search"
//!   (<https://doc-env2.pandapon.com/api-289120986>) is `GET
//!   /v2/taobao/product/get?itemId=`: a lookup by id, not a search. Its
//!   response type is `TaoBaoProductDetailsV2VO`, so it is **TB-P4** "Taobao
//!   Product Detail V2" (and the v2 twin of TB-P8); the search title is a
//!   mislabel.
//! * The v2 page titled "Taobao commodity search interface"
//!   (<https://doc-env2.pandapon.com/api-289120988>), `POST
//!   /v2/taobao/product/item/search`, carries TB-P5b's exact title, so it is
//!   **TB-P5b**.
//! * **TB-P5**, Xportcn's "Taobao product search API" (v1 nav: "Taobao product
//!   search interface", POST), then has no page: both paths unknown. It is
//!   probably the same keyword search under the Xportcn name (INFERRED); use
//!   [`Taobao::product_item_search`] for a documented one.

use serde::Serialize;
use serde_json::value::RawValue;

use super::{Product, Taobao};
use crate::endpoint::endpoint;
use crate::model::model;
use crate::types::Id;

/// Taobao hot product recommendation: recommended items, one page per call.
///
/// The schema comes from a public client only.
///
/// No doc page shows this endpoint: the v1 path and the fields come from a
/// public Go client of the platform (`ProductService.RecommendedProducts`),
/// so the path is *guessed* (sent, as a read; a 404 says so). No v2 edition
/// lists it. Not declared as a paged stream: the page fields are not
/// documented and the answer carries no total.
#[endpoint(
    id = "TB-P1",
    method = POST,
    v1 = guessed(
        "/open/product/recommend",
        "called by a public Go client of the platform (ProductService.RecommendedProducts); no doc page shows it"
    ),
    response = RecommendPage,
    idempotent,
    handle = Taobao,
    name = product_recommend,
)]
pub struct ProductRecommendRequest {
    /// Page number, from 1.
    pub page_no: Option<u32>,
    /// Page size.
    pub page_size: Option<u32>,
    /// Language of translated fields, e.g. `en`.
    pub language: Option<String>,
}

/// A page of recommended items (the `data` of TB-P1), as the public
/// client's DTO `HotRecommendedResponse` describes it.
#[model]
pub struct RecommendPage {
    /// This page's number.
    #[model(client = "govshudov/taobao, internal/dto/recommendedProducts.go, 10f694d4")]
    pub page_no: Option<i64>,
    /// Page size.
    #[model(client = "govshudov/taobao, internal/dto/recommendedProducts.go, 10f694d4")]
    pub page_size: Option<i64>,
    /// The items.
    #[model(client = "govshudov/taobao, internal/dto/recommendedProducts.go, 10f694d4")]
    pub data: Vec<RecommendedProduct>,
}

/// A recommended item (TB-P1).
#[model]
pub struct RecommendedProduct {
    /// Item id.
    #[model(client = "govshudov/taobao, internal/dto/recommendedProducts.go, 10f694d4")]
    pub item_id: Option<Id>,
    /// Title.
    #[model(client = "govshudov/taobao, internal/dto/recommendedProducts.go, 10f694d4")]
    pub title: Option<String>,
    /// Main image URL.
    #[model(client = "govshudov/taobao, internal/dto/recommendedProducts.go, 10f694d4")]
    pub main_image_url: Option<String>,
    /// Price, a string in the client's DTO (unit not documented).
    #[model(client = "govshudov/taobao, internal/dto/recommendedProducts.go, 10f694d4")]
    pub price: Option<String>,
    /// Price after coupon, a string (unit not documented).
    #[model(client = "govshudov/taobao, internal/dto/recommendedProducts.go, 10f694d4")]
    pub coupon_price: Option<String>,
    /// Stock.
    #[model(client = "govshudov/taobao, internal/dto/recommendedProducts.go, 10f694d4")]
    pub quantity: Option<i64>,
    /// Shop name.
    #[model(client = "govshudov/taobao, internal/dto/recommendedProducts.go, 10f694d4")]
    pub shop_name: Option<String>,
    /// Tags.
    #[model(client = "govshudov/taobao, internal/dto/recommendedProducts.go, 10f694d4")]
    pub tags: Vec<String>,
    /// Translated texts (shape not documented).
    #[model(client = "govshudov/taobao, internal/dto/recommendedProducts.go, 10f694d4")]
    pub multi_language_info: Option<serde_json::Value>,
    /// Promotions shown with the item (shape not documented).
    #[model(client = "govshudov/taobao, internal/dto/recommendedProducts.go, 10f694d4")]
    pub promotion_displays: Option<serde_json::Value>,
}

/// Taobao SPU list query: path and schema unknown.
///
/// Only the title is in the Xportcn nav (no method, path or field). POST is
/// assumed; no path is known, so the call fails before sending until a path
/// is set with [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)
/// (`"TB-P2"`). Parameters go in `other`; the answer is kept raw (schema
/// unknown).
#[endpoint(
    id = "TB-P2",
    method = POST,
    response = Box<RawValue>,
    idempotent,
    handle = Taobao,
    name = spu_list,
    open,
)]
pub struct SpuListRequest {}

/// Taobao SPU details query: path and schema unknown.
///
/// Only the title is in the Xportcn nav. POST is assumed; no path is known,
/// so the call fails before sending until one is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)
/// (`"TB-P3"`). Parameters go in `other`; the answer is kept raw (schema
/// unknown).
#[endpoint(
    id = "TB-P3",
    method = POST,
    response = Box<RawValue>,
    idempotent,
    handle = Taobao,
    name = spu_detail,
    open,
)]
pub struct SpuDetailRequest {}

/// Taobao product detail V2: one item by its v2 (opaque) item id.
///
/// The PandaPon v2 page <https://doc-env2.pandapon.com/api-289120986> shows
/// `GET /v2/taobao/product/get?itemId=WUnUC1cILiBjt-Jv3lDdlQ`; its title says
/// "Taobao product search" but it is a lookup by id whose response type is
/// `TaoBaoProductDetailsV2VO`, hence this row (TB-P4, "Product Detail V2").
/// The same path is TB-P8's derived v2 twin. No v1 path is known (the
/// Xportcn nav shows the title only): use [`Taobao::product_get`] there.
///
/// The page shows `quantity` and then is cut; the answer is read as the
/// TB-P8 [`Product`] (INFERRED same shape), other fields land in `extra`.
#[endpoint(
    id = "TB-P4",
    method = GET,
    v2 = verified("/v2/taobao/product/get", "https://doc-env2.pandapon.com/api-289120986"),
    response = Product,
    idempotent,
    handle = Taobao,
    name = product_detail_v2,
)]
pub struct ProductDetailV2Request {
    /// The v2 item id, an opaque string such as `WUnUC1cILiBjt-Jv3lDdlQ`
    /// (required).
    pub item_id: Id,
}

/// Taobao product search (Xportcn): path and schema unknown.
///
/// For a documented keyword search see [`Taobao::product_item_search`].
///
/// The v1 nav lists "Taobao product search interface" (POST) and Xportcn
/// "Taobao product search API", but no page shows a path or a field. The
/// PandaPon v2 page of the same title is `GET /v2/taobao/product/get`, a
/// lookup by id (TB-P4 by its response type), so it is not this endpoint.
/// INFERRED: the same keyword search as TB-P5b under the Xportcn name.
/// The call fails before sending until a path is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)
/// (`"TB-P5"`). Parameters go in `other`; the answer is kept raw.
#[endpoint(
    id = "TB-P5",
    method = POST,
    response = Box<RawValue>,
    idempotent,
    handle = Taobao,
    name = product_search,
    open,
)]
pub struct ProductSearchRequest {}

/// Taobao commodity search: items matching a keyword (response kept raw).
///
/// v2 verified (<https://doc-env2.pandapon.com/api-289120988>, titled
/// "Taobao commodity search interface", TB-P5b's exact title); v1 derived by
/// the section rule (no v1 page shows it; the v1 nav's POST "Taobao product
/// search interface" is probably this operation, INFERRED). The page shows
/// the request only: the answer is kept raw, and not streamed as pages (its
/// list and total fields are not documented).
#[endpoint(
    id = "TB-P5b",
    method = POST,
    v1 = derived("/open/product/item/search"),
    v2 = verified("/v2/taobao/product/item/search", "https://doc-env2.pandapon.com/api-289120988"),
    response = Box<RawValue>,
    idempotent,
    handle = Taobao,
    name = product_item_search,
)]
pub struct ProductItemSearchRequest {
    /// The keyword, e.g. `电动车`.
    pub keyword: Option<String>,
    /// Page size, 1 to 40.
    pub page_size: Option<u32>,
    /// Page number, from 1.
    pub page_no: Option<u32>,
    /// Sort key, e.g. `tk_rate_desc` (no list of values is documented).
    pub sort: Option<String>,
}

/// Taobao image search: path and schema unknown.
///
/// Both navs list it (v1 "Taobao commodity picture search interface" POST,
/// v2 "Taobao image search interface" POST); no page shows a path or field.
/// The call fails before sending until a path is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)
/// (`"TB-P6"`). Parameters go in `other` (the 1688 twin's `imageBase64` /
/// `imageAddress` are not documented for Taobao); the answer is kept raw.
#[endpoint(
    id = "TB-P6",
    method = POST,
    response = Box<RawValue>,
    idempotent,
    handle = Taobao,
    name = product_image_search,
    open,
)]
pub struct ProductImageSearchRequest {}

/// Batch check of Taobao item ids: which items and SKUs are distributable.
///
/// v1 verified (<https://doc-en.pandapon.com/api-263477607>); v2 derived (the
/// v2 nav lists "Query products in bulk based on Taobao product IDs", POST,
/// without its path). The platform takes the list as JSON inside the string
/// `params`; here it is a typed list.
#[endpoint(
    id = "TB-P7",
    method = POST,
    v1 = verified("/open/product/batch/check", "https://doc-en.pandapon.com/api-263477607"),
    v2 = derived("/v2/taobao/product/batch/check"),
    response = BatchCheck,
    idempotent,
    handle = Taobao,
    name = product_batch_check,
)]
pub struct ProductBatchCheckRequest {
    /// The items to check, sent as `params` =
    /// `"[{\"itemId\":\"..\",\"skuIds\":[\"..\"]}]"`.
    #[serde(serialize_with = "crate::model::json_string")]
    pub params: Vec<BatchCheckItem>,
}

/// One item of a [`ProductBatchCheckRequest`]: an item id and the SKUs to
/// check (ids are sent as strings, as in the docs' example).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BatchCheckItem {
    /// Taobao item id, e.g. `672991141190`.
    pub item_id: Id,
    /// SKU ids of the item, e.g. `3452545926724`.
    pub sku_ids: Vec<Id>,
}

impl BatchCheckItem {
    /// An item with the SKUs to check.
    pub fn new<S: Into<Id>>(item_id: impl Into<Id>, sku_ids: impl IntoIterator<Item = S>) -> Self {
        BatchCheckItem {
            item_id: item_id.into(),
            sku_ids: sku_ids.into_iter().map(Into::into).collect(),
        }
    }
}

/// The `data` of TB-P7.
///
/// The page shows the three lists but not the fields of their objects
/// (`{3}` and `{2}` fields): those are kept in each object's `extra`.
#[model]
pub struct BatchCheck {
    /// Distribution products found (返回供销商品信息).
    pub mp_products: Vec<MpProduct>,
    /// Item ids with no distribution product.
    pub no_mp_product_item_ids: Vec<Id>,
    /// Why items have none (错误原因列表).
    pub no_mp_reason_list: Vec<NoMpReason>,
}

/// A distribution product of [`BatchCheck`]: its 3 fields are not
/// documented, every one is in `extra`.
#[model]
pub struct MpProduct {}

/// A reason of [`BatchCheck::no_mp_reason_list`]: its 2 fields are not
/// documented, both are in `extra`.
#[model]
pub struct NoMpReason {}

/// Taobao product inquiry: an item's source description in a language.
///
/// v1 verified (<https://doc-vnm.pandapon.com/api-250496526>, POST with a JSON
/// body; the doc-en nav says GET, the page wins). No v2 edition lists it.
/// The page's response is cut after `description` and `itemId`; the rest is
/// in `extra`.
#[endpoint(
    id = "TB-P9",
    method = POST,
    v1 = verified("/open/product/source/get", "https://doc-vnm.pandapon.com/api-250496526"),
    response = ProductSource,
    idempotent,
    handle = Taobao,
    name = product_source_get,
)]
pub struct ProductSourceGetRequest {
    /// Taobao item id (a string), e.g. `42971808988` (required).
    pub item_id: Id,
    /// Language, e.g. `vi`.
    pub language: Option<String>,
}

/// The `data` of TB-P9 (the page is cut after two fields).
#[model]
pub struct ProductSource {
    /// Description.
    pub description: Option<String>,
    /// Item id (a JSON integer here).
    pub item_id: Option<Id>,
}
