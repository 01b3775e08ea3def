//! bigMajor warehouse pushes.

use serde::{Deserialize, Serialize};

use super::order::opt;
use crate::types::{Decimal, Extra, Id, Timestamp, lenient};

/// Body of the bigMajor parcel warehouse-inbound callback (包裹入库回调,
/// `WarehouseCallbackController`).
///
/// INFERRED: no page shows this callback's message type or body. The fields
/// are modelled on the Xportcn KA `POST /wms/package/inbound` body
/// (<https://doc-en-ka.xportcn.com/api-339881548>: `out_order_id`,
/// `alibaba_order_id`, `logistics_tracking_number`,
/// `quality_inspection_info{status, weight, length, width, height,
/// failed_remark, images}`), accepting snake_case and camelCase keys.
/// Everything else is in [`ParcelInbound::extra`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct ParcelInbound {
    /// `out_order_id`: your order id.
    #[serde(
        default,
        alias = "outOrderId",
        deserialize_with = "lenient::opt_string"
    )]
    pub out_order_id: Option<String>,
    /// `alibaba_order_id`: the 1688 order id.
    #[serde(default, alias = "alibabaOrderId")]
    pub alibaba_order_id: Option<Id>,
    /// `logistics_tracking_number`: the domestic tracking number.
    #[serde(
        default,
        alias = "logisticsTrackingNumber",
        deserialize_with = "lenient::opt_string"
    )]
    pub logistics_tracking_number: Option<String>,
    /// `inbound_time`, if sent (INFERRED name).
    #[serde(default, alias = "inboundTime")]
    pub inbound_time: Option<Timestamp>,
    /// `quality_inspection_info`.
    #[serde(default, alias = "qualityInspectionInfo")]
    pub quality_inspection_info: Option<QualityInspection>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ParcelInbound {
    pub(crate) fn key_parts(&self, out: &mut Vec<String>) {
        out.push(opt(&self.logistics_tracking_number));
        out.push(opt(&self.out_order_id));
        out.push(opt(&self.alibaba_order_id));
        out.push(
            self.quality_inspection_info
                .as_ref()
                .and_then(|q| q.status.clone())
                .unwrap_or_default(),
        );
    }
}

/// Quality inspection result of an inbound parcel (INFERRED, see
/// [`ParcelInbound`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct QualityInspection {
    /// `status` (e.g. `质检通过`, inspection passed).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    /// `weight` (kg, INFERRED unit).
    #[serde(default)]
    pub weight: Option<Decimal>,
    /// `length` (cm, INFERRED unit).
    #[serde(default)]
    pub length: Option<Decimal>,
    /// `width` (cm, INFERRED unit).
    #[serde(default)]
    pub width: Option<Decimal>,
    /// `height` (cm, INFERRED unit).
    #[serde(default)]
    pub height: Option<Decimal>,
    /// `failed_remark`.
    #[serde(
        default,
        alias = "failedRemark",
        deserialize_with = "lenient::opt_string"
    )]
    pub failed_remark: Option<String>,
    /// `images`: photo URLs.
    #[serde(default)]
    pub images: Vec<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}
