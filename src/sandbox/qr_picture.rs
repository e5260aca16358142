//! The QR as a picture, the way gateways give `code_img_url`: hosted at `/sandbox/qr.png`, or
//! inline as a `data:` URL. `Readings::qr_given_as` decides which fields a create answer fills.

use axum::extract::Query;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;

use super::state::{QrGivenAs, State};

/// Pixels per module: what a gateway's hosted picture typically uses.
const SCALE: u32 = 6;

/// The query of `/sandbox/qr.png`.
#[derive(Debug, serde::Deserialize)]
pub struct Picture {
    text: String,
}

/// `GET /sandbox/qr.png?text=…`: the PNG of `text`'s QR.
pub async fn hosted(Query(picture): Query<Picture>) -> Response {
    match crate::qr_modules::png(&picture.text, SCALE) {
        Some(png) => ([(header::CONTENT_TYPE, "image/png")], png).into_response(),
        None => (StatusCode::BAD_REQUEST, "text does not fit in a QR").into_response(),
    }
}

/// The `code_url` and `code_img_url` a create answer carries for the QR of `url`.
pub fn qr_fields(state: &State, url: &str) -> (String, String) {
    let hosted = || {
        let query = serde_urlencoded::to_string([("text", url)]).unwrap_or_default();
        format!("{}/sandbox/qr.png?{query}", state.base_url)
    };
    match state.readings().qr_given_as {
        QrGivenAs::UrlAndImage => (url.to_owned(), hosted()),
        QrGivenAs::ImageOnly => (String::new(), hosted()),
        QrGivenAs::InlineImageOnly => {
            let png = crate::qr_modules::png(url, SCALE).unwrap_or_default();
            let encoded = base64::engine::general_purpose::STANDARD.encode(png);
            (String::new(), format!("data:image/png;base64,{encoded}"))
        }
    }
}
