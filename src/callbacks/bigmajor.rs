//! bigMajor warehouse pushes.

use super::order::opt;
use crate::model::model;
use crate::types::{Decimal, Id, Timestamp};

/// Body of the bigMajor parcel warehouse-inbound callback (包裹入库回调,
/// `WarehouseCallbackController`).
///
/// INFERRED: no page shows this callback's message type or body. The fields
/// are modelled on the Xportcn KA `POST /wms/package/inbound` body
/// (<https://doc-en-ka.xportcn.com/api-339881548>: `out_order_id`,
/// `alibaba_order_id`, `logistics_tracking_number`,
/// `quality_inspection_info{status, weight, length, width, height,
/// failed_remark, images}`), accepting snake_case and camelCase keys.
/// Everything else is in `extra`.
#[model(rename_all = "snake_case")]
pub struct ParcelInbound {
    /// `out_order_id`: your order id.
    #[model(alias = "outOrderId")]
    pub out_order_id: Option<String>,
    /// `alibaba_order_id`: the 1688 order id.
    #[model(alias = "alibabaOrderId")]
    pub alibaba_order_id: Option<Id>,
    /// `logistics_tracking_number`: the domestic tracking number.
    #[model(alias = "logisticsTrackingNumber")]
    pub logistics_tracking_number: Option<String>,
    /// `inbound_time`, if sent (INFERRED name).
    #[model(alias = "inboundTime")]
    pub inbound_time: Option<Timestamp>,
    /// `quality_inspection_info`.
    #[model(alias = "qualityInspectionInfo")]
    pub quality_inspection_info: Option<QualityInspection>,
}

impl ParcelInbound {
    pub(crate) fn key_parts(&self, out: &mut Vec<String>) {
        out.push(opt(&self.logistics_tracking_number));
        out.push(opt(&self.out_order_id));
        out.push(opt(&self.alibaba_order_id));
        let status = self.quality_inspection_info.as_ref();
        out.push(opt(&status.and_then(|q| q.status.as_ref())));
    }
}

/// Quality inspection result of an inbound parcel (INFERRED, see
/// [`ParcelInbound`]).
#[model(rename_all = "snake_case")]
pub struct QualityInspection {
    /// `status` (e.g. `质检通过`, inspection passed).
    pub status: Option<String>,
    /// `weight` (kg, INFERRED unit).
    pub weight: Option<Decimal>,
    /// `length` (cm, INFERRED unit).
    pub length: Option<Decimal>,
    /// `width` (cm, INFERRED unit).
    pub width: Option<Decimal>,
    /// `height` (cm, INFERRED unit).
    pub height: Option<Decimal>,
    /// `failed_remark`.
    #[model(alias = "failedRemark")]
    pub failed_remark: Option<String>,
    /// `images`: photo URLs.
    pub images: Vec<String>,
}
