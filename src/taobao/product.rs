use serde::Serialize;

use crate::endpoint::{Endpoint, EndpointSpec, Evidence, Method};
use crate::types::{Extra, Id, deserialize_with_extra, lenient, plain};

/// Request of TB-P8, query product by Taobao product ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ProductGetRequest {
    /// The Taobao item id, e.g. `672991141190`.
    pub item_id: Id,
}

impl ProductGetRequest {
    /// A request for one item.
    pub fn new(item_id: impl Into<Id>) -> Self {
        ProductGetRequest {
            item_id: item_id.into(),
        }
    }
}

impl Endpoint for ProductGetRequest {
    type Response = Product;
    const SPEC: EndpointSpec = EndpointSpec::new(
        "TB-P8",
        Method::Get,
        "/open/product/get",
        Evidence::Verified {
            source: "https://doc-vnm.pandapon.com/api-250496531",
        },
        true,
    );
}

/// A Taobao product (the `data` of TB-P8).
///
/// Fields follow the development manual's sample; amounts are integers as
/// sent (unit not documented: INFERRED fen). Fields the SDK does not model
/// are in `extra`.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Product {
    /// Item id (a JSON number in the sample).
    pub item_id: Option<Id>,
    /// Title (Chinese).
    pub title: Option<String>,
    /// Price (integer, unit INFERRED fen).
    pub price: Option<i64>,
    /// Promotion price (a number here, a string on SKUs).
    pub promotion_price: Option<i64>,
    /// Stock.
    pub quantity: Option<i64>,
    /// Minimum order amount.
    pub begin_amount: Option<i64>,
    /// Category id (a string in the sample, a number elsewhere).
    pub category_id: Option<String>,
    /// Category name.
    pub category_name: Option<String>,
    /// Category path, `->`-separated.
    pub category_path: Option<String>,
    /// Detail HTML.
    pub description: Option<String>,
    /// Item type, e.g. `HAVE_MATERIAL`.
    pub item_type: Option<String>,
    /// Platform-internal product id.
    pub mp_id: Option<String>,
    /// Image URLs.
    pub pic_urls: Vec<String>,
    /// Unit name (may be null).
    pub product_unit: Option<String>,
    /// Shop id.
    pub shop_id: Option<Id>,
    /// Shop name.
    pub shop_name: Option<String>,
    /// Seller nick.
    pub user_nick: Option<String>,
    /// Status, e.g. `active`.
    pub status: Option<String>,
    /// SKUs.
    pub sku_list: Vec<Sku>,
    /// Fields not modelled above.
    pub extra: Extra,
}

/// One SKU of a [`Product`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Sku {
    /// SKU id (a string in the sample).
    pub sku_id: Option<Id>,
    /// Image URL.
    pub pic_url: Option<String>,
    /// Stock.
    pub quantity: Option<i64>,
    /// Price.
    pub price: Option<i64>,
    /// Promotion price (a string in the sample).
    pub promotion_price: Option<i64>,
    /// Domestic postage.
    pub post_fee: Option<i64>,
    /// Status, e.g. `active`.
    pub status: Option<String>,
    /// Sale properties (colour, size ...).
    pub properties: Vec<SkuProperty>,
    /// Fields not modelled above (the sample's `mpSkuld` typo lands here).
    pub extra: Extra,
}

/// A sale property of a [`Sku`], e.g. colour = red.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SkuProperty {
    /// Property id.
    pub prop_id: Option<Id>,
    /// Property name.
    pub prop_name: Option<String>,
    /// Value id.
    pub value_id: Option<Id>,
    /// Value name.
    pub value_name: Option<String>,
    /// Fields not modelled above.
    pub extra: Extra,
}

// One-pass decoding with the `extra` map (see `types::deserialize_with_extra`).
deserialize_with_extra!(Product, "a Taobao product object" {
    "itemId" => item_id: Option<Id> = plain,
    "title" => title: Option<String> = lenient::opt_string,
    "price" => price: Option<i64> = lenient::opt_i64,
    "promotionPrice" => promotion_price: Option<i64> = lenient::opt_i64,
    "quantity" => quantity: Option<i64> = lenient::opt_i64,
    "beginAmount" => begin_amount: Option<i64> = lenient::opt_i64,
    "categoryId" => category_id: Option<String> = lenient::opt_string,
    "categoryName" => category_name: Option<String> = lenient::opt_string,
    "categoryPath" => category_path: Option<String> = lenient::opt_string,
    "description" => description: Option<String> = lenient::opt_string,
    "itemType" => item_type: Option<String> = lenient::opt_string,
    "mpId" => mp_id: Option<String> = lenient::opt_string,
    "picUrls" => pic_urls: Vec<String> = lenient::string_vec,
    "productUnit" => product_unit: Option<String> = lenient::opt_string,
    "shopId" => shop_id: Option<Id> = plain,
    "shopName" => shop_name: Option<String> = lenient::opt_string,
    "userNick" => user_nick: Option<String> = lenient::opt_string,
    "status" => status: Option<String> = lenient::opt_string,
    "skuList" => sku_list: Vec<Sku> = lenient::null_default,
});

deserialize_with_extra!(Sku, "a Taobao SKU object" {
    "skuId" => sku_id: Option<Id> = plain,
    "picUrl" => pic_url: Option<String> = lenient::opt_string,
    "quantity" => quantity: Option<i64> = lenient::opt_i64,
    "price" => price: Option<i64> = lenient::opt_i64,
    "promotionPrice" => promotion_price: Option<i64> = lenient::opt_i64,
    "postFee" => post_fee: Option<i64> = lenient::opt_i64,
    "status" => status: Option<String> = lenient::opt_string,
    "properties" => properties: Vec<SkuProperty> = lenient::null_default,
});

deserialize_with_extra!(SkuProperty, "a SKU property object" {
    "propId" => prop_id: Option<Id> = plain,
    "propName" => prop_name: Option<String> = lenient::opt_string,
    "valueId" => value_id: Option<Id> = plain,
    "valueName" => value_name: Option<String> = lenient::opt_string,
});

#[cfg(test)]
mod tests {
    use super::*;

    /// The derive + `#[serde(flatten)]` definitions these types had before
    /// `deserialize_with_extra!`: the decoding must not change.
    #[allow(dead_code)]
    mod reference {
        use serde::Deserialize;

        use crate::types::{Extra, Id, lenient};

        /// A Taobao product (the `data` of TB-P8).
        ///
        /// Fields follow the development manual's sample; amounts are integers as
        /// sent (unit not documented: INFERRED fen). Fields the SDK does not model
        /// are in `extra`.
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct Product {
            /// Item id (a JSON number in the sample).
            #[serde(default)]
            pub item_id: Option<Id>,
            /// Title (Chinese).
            #[serde(default, deserialize_with = "lenient::opt_string")]
            pub title: Option<String>,
            /// Price (integer, unit INFERRED fen).
            #[serde(default, deserialize_with = "lenient::opt_i64")]
            pub price: Option<i64>,
            /// Promotion price (a number here, a string on SKUs).
            #[serde(default, deserialize_with = "lenient::opt_i64")]
            pub promotion_price: Option<i64>,
            /// Stock.
            #[serde(default, deserialize_with = "lenient::opt_i64")]
            pub quantity: Option<i64>,
            /// Minimum order amount.
            #[serde(default, deserialize_with = "lenient::opt_i64")]
            pub begin_amount: Option<i64>,
            /// Category id (a string in the sample, a number elsewhere).
            #[serde(default, deserialize_with = "lenient::opt_string")]
            pub category_id: Option<String>,
            /// Category name.
            #[serde(default, deserialize_with = "lenient::opt_string")]
            pub category_name: Option<String>,
            /// Category path, `->`-separated.
            #[serde(default, deserialize_with = "lenient::opt_string")]
            pub category_path: Option<String>,
            /// Detail HTML.
            #[serde(default, deserialize_with = "lenient::opt_string")]
            pub description: Option<String>,
            /// Item type, e.g. `HAVE_MATERIAL`.
            #[serde(default, deserialize_with = "lenient::opt_string")]
            pub item_type: Option<String>,
            /// Platform-internal product id.
            #[serde(default, deserialize_with = "lenient::opt_string")]
            pub mp_id: Option<String>,
            /// Image URLs.
            #[serde(default, deserialize_with = "lenient::string_vec")]
            pub pic_urls: Vec<String>,
            /// Unit name (may be null).
            #[serde(default, deserialize_with = "lenient::opt_string")]
            pub product_unit: Option<String>,
            /// Shop id.
            #[serde(default)]
            pub shop_id: Option<Id>,
            /// Shop name.
            #[serde(default, deserialize_with = "lenient::opt_string")]
            pub shop_name: Option<String>,
            /// Seller nick.
            #[serde(default, deserialize_with = "lenient::opt_string")]
            pub user_nick: Option<String>,
            /// Status, e.g. `active`.
            #[serde(default, deserialize_with = "lenient::opt_string")]
            pub status: Option<String>,
            /// SKUs.
            #[serde(default, deserialize_with = "lenient::null_default")]
            pub sku_list: Vec<Sku>,
            /// Fields not modelled above.
            #[serde(flatten)]
            pub extra: Extra,
        }

        /// One SKU of a [`Product`].
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct Sku {
            /// SKU id (a string in the sample).
            #[serde(default)]
            pub sku_id: Option<Id>,
            /// Image URL.
            #[serde(default, deserialize_with = "lenient::opt_string")]
            pub pic_url: Option<String>,
            /// Stock.
            #[serde(default, deserialize_with = "lenient::opt_i64")]
            pub quantity: Option<i64>,
            /// Price.
            #[serde(default, deserialize_with = "lenient::opt_i64")]
            pub price: Option<i64>,
            /// Promotion price (a string in the sample).
            #[serde(default, deserialize_with = "lenient::opt_i64")]
            pub promotion_price: Option<i64>,
            /// Domestic postage.
            #[serde(default, deserialize_with = "lenient::opt_i64")]
            pub post_fee: Option<i64>,
            /// Status, e.g. `active`.
            #[serde(default, deserialize_with = "lenient::opt_string")]
            pub status: Option<String>,
            /// Sale properties (colour, size ...).
            #[serde(default, deserialize_with = "lenient::null_default")]
            pub properties: Vec<SkuProperty>,
            /// Fields not modelled above (the sample's `mpSkuld` typo lands here).
            #[serde(flatten)]
            pub extra: Extra,
        }

        /// A sale property of a [`Sku`], e.g. colour = red.
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct SkuProperty {
            /// Property id.
            #[serde(default)]
            pub prop_id: Option<Id>,
            /// Property name.
            #[serde(default, deserialize_with = "lenient::opt_string")]
            pub prop_name: Option<String>,
            /// Value id.
            #[serde(default)]
            pub value_id: Option<Id>,
            /// Value name.
            #[serde(default, deserialize_with = "lenient::opt_string")]
            pub value_name: Option<String>,
            /// Fields not modelled above.
            #[serde(flatten)]
            pub extra: Extra,
        }
    }

    fn both(json: &str) -> (Result<String, String>, Result<String, String>) {
        let new = serde_json::from_str::<Product>(json)
            .map(|p| format!("{p:?}"))
            .map_err(|e| e.to_string());
        let old = serde_json::from_str::<reference::Product>(json)
            .map(|p| format!("{p:?}"))
            .map_err(|e| e.to_string());
        (new, old)
    }

    #[test]
    fn one_pass_decoding_matches_derive_with_flatten() {
        let big: serde_json::Value =
            serde_json::from_str(include_str!("../../benches/data/product-20kb.json")).unwrap();
        let sample: serde_json::Value = serde_json::from_str(include_str!(
            "../../tests/fixtures/taobao-product-get.response.json"
        ))
        .unwrap();
        let cases = [
            big["data"].to_string(),
            sample["data"].to_string(),
            r#"{"itemId":"9223372036854775807","price":"12","categoryId":121452038,"skuList":null,"brandNew":{"nested":[1,2,3]}}"#.to_owned(),
            r#"{"ti\u0074le":"escaped key","k\u00e9y":1,"skuList":[{"properties":null,"x":[]}]}"#.to_owned(),
            r#"{"title":null,"price":null,"picUrls":[1,"a",null],"skuList":[{"price":" 7 ","properties":[{"propId":"p","extra":{}}]}]}"#.to_owned(),
            "{}".to_owned(),
        ];
        for json in &cases {
            let (new, old) = both(json);
            assert!(new.is_ok(), "{json}: {new:?}");
            assert_eq!(new, old, "{json}");
        }
    }

    #[test]
    fn one_pass_decoding_rejects_what_derive_rejected() {
        for json in [
            r#"{"price":"abc"}"#,
            r#"{"itemId":1.5}"#,
            r#"{"price":1,"price":2}"#,
            r#"{"skuList":[{"skuId":"1","skuId":"2"}]}"#,
            r#"[1,2]"#,
            r#""text""#,
        ] {
            let (new, old) = both(json);
            assert!(new.is_err(), "{json}: {new:?}");
            assert!(old.is_err(), "{json}: {old:?}");
        }
        let (new, _) = both(r#"{"price":1,"price":2}"#);
        assert!(new.unwrap_err().contains("duplicate field `price`"));
    }
}
