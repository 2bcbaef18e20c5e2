//! What the wizard needs from the browser: storage, fetch, ids, the date,
//! focus. On the server these are inert, so pages render the same there.

// Each browser bundle (client's, clinic's) uses its own part of this module.
#![cfg_attr(feature = "hydrate", allow(dead_code))]

use chrono::NaiveDate;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::domain::FieldErrors;

/// The answer to a stored submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    pub id: String,
    pub receipt_token: String,
    pub status: String,
    /// `limited` when the clinic did not e-mail the copy (a daily cap).
    #[serde(default)]
    pub email_copy: Option<String>,
}

// Only the browser build sends; the server build renders the same pages.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
pub enum SendError {
    /// No answer (offline, or the server could not be reached).
    Network,
    /// The server refused some answers.
    Invalid(FieldErrors),
    /// The clinic already has a different version under this id (an earlier
    /// send arrived, then the answers were changed).
    Conflict,
    /// Any other refusal, with the server's message.
    Refused(String),
    /// A staff request without a live session (401).
    SignedOut,
    /// A limit is reached (429): try again later; not a refusal. With the
    /// server's reason.
    Busy(String),
}

/// What became of a submission left in the phone's outbox.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
pub enum Outbox {
    /// Still waiting for a connection.
    Queued,
    /// The clinic has it.
    Sent(Receipt),
    /// The clinic refused it; the client corrects and sends again.
    Refused(SendError),
    /// No record (sent and shown already, or storage unavailable).
    Unknown,
}

#[cfg(feature = "hydrate")]
mod imp {
    use super::*;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    #[derive(Deserialize)]
    struct ErrorBody {
        #[serde(default)]
        error: String,
        #[serde(default)]
        errors: FieldErrors,
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    pub fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
        let text = storage()?.get_item(key).ok()??;
        serde_json::from_str(&text).ok()
    }

    pub fn save<T: Serialize>(key: &str, value: &T) {
        if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(value)) {
            let _ = s.set_item(key, &text);
        }
    }

    pub fn remove(key: &str) {
        if let Some(s) = storage() {
            let _ = s.remove_item(key);
        }
    }

    /// A random (v4) UUID. `randomUUID` needs a secure context and a recent
    /// browser; `getRandomValues` works everywhere.
    pub fn new_id() -> String {
        let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) else {
            return String::new();
        };
        if js_sys::Reflect::has(&crypto, &JsValue::from_str("randomUUID")).unwrap_or(false) {
            return crypto.random_uuid();
        }
        let mut b = [0u8; 16];
        if crypto.get_random_values_with_u8_array(&mut b).is_err() {
            return String::new();
        }
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        uuid::Uuid::from_bytes(b).to_string()
    }

    /// Milliseconds since the epoch, by the device's clock.
    pub fn now_ms() -> f64 {
        js_sys::Date::now()
    }

    /// The current time as RFC 3339 (the device's clock).
    pub fn now_rfc3339() -> String {
        js_sys::Date::new_0()
            .to_iso_string()
            .as_string()
            .unwrap_or_default()
    }

    /// An instant written by [`now_rfc3339`], read by the browser's own
    /// date parser (a smaller bundle than chrono's).
    pub fn parse_instant(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
        let ms = js_sys::Date::parse(s);
        if ms.is_nan() {
            return None;
        }
        chrono::DateTime::from_timestamp_millis(ms as i64)
    }

    /// A plain decimal (already checked to be digits with at most one
    /// point), read by the browser's own number parser: a smaller bundle
    /// than Rust's float parser and its tables.
    pub fn parse_decimal(s: &str) -> f64 {
        js_sys::parse_float(s)
    }

    pub fn today() -> NaiveDate {
        let d = js_sys::Date::new_0();
        NaiveDate::from_ymd_opt(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
            .unwrap_or_default()
    }

    /// Focuses after the next paint, when the element exists.
    pub fn focus(id: &str) {
        let id = id.to_string();
        leptos::prelude::request_animation_frame(move || focus_now(&id));
    }

    fn focus_now(id: &str) {
        let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
        else {
            return;
        };
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            // Focusing scrolls the element into view when it is off screen.
            let _ = el.focus();
        }
    }

    pub fn set_title(title: &str) {
        if let Some(d) = web_sys::window().and_then(|w| w.document()) {
            d.set_title(title);
        }
    }

    pub fn scroll_top() {
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
        }
    }

    /// The page's path, e.g. `/intake/<token>`.
    pub fn path() -> String {
        web_sys::window()
            .and_then(|w| w.location().pathname().ok())
            .unwrap_or_default()
    }

    /// What follows `#` in the address, taken out of the address bar and
    /// the history as it is read: a one-time token stays off screen and is
    /// never sent to a server.
    pub fn take_fragment() -> Option<String> {
        let w = web_sys::window()?;
        let l = w.location();
        let value = l.hash().ok()?.strip_prefix('#')?.to_string();
        if let (Ok(history), Ok(path)) = (w.history(), l.pathname()) {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&path));
        }
        (!value.is_empty()).then_some(value)
    }

    pub fn query_param(name: &str) -> Option<String> {
        let search = web_sys::window()?.location().search().ok()?;
        web_sys::UrlSearchParams::new_with_str(&search)
            .ok()?
            .get(name)
    }

    async fn fetch(
        method: &str,
        url: &str,
        body: Option<String>,
        extra: &[(&str, &str)],
    ) -> Result<(u16, String), SendError> {
        let init = web_sys::RequestInit::new();
        init.set_method(method);
        let headers = web_sys::Headers::new().map_err(|_| SendError::Network)?;
        let _ = headers.set("Accept", "application/json");
        if let Some(b) = body {
            let _ = headers.set("Content-Type", "application/json");
            init.set_body(&JsValue::from_str(&b));
        }
        for (name, value) in extra {
            let _ = headers.set(name, value);
        }
        init.set_headers(&headers);
        let request =
            web_sys::Request::new_with_str_and_init(url, &init).map_err(|_| SendError::Network)?;
        let window = web_sys::window().ok_or(SendError::Network)?;
        let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
            .await
            .map_err(|_| SendError::Network)?
            .dyn_into()
            .map_err(|_| SendError::Network)?;
        let text = JsFuture::from(response.text().map_err(|_| SendError::Network)?)
            .await
            .map_err(|_| SendError::Network)?
            .as_string()
            .unwrap_or_default();
        Ok((response.status(), text))
    }

    /// A JSON answer, or the refusal it stands for. For the intake
    /// (`intake`), a 409 means "changed since it was sent".
    fn decode<T: DeserializeOwned>(status: u16, text: &str, intake: bool) -> Result<T, SendError> {
        if (200..300).contains(&status) {
            let text = if text.is_empty() { "null" } else { text };
            return serde_json::from_str(text)
                .map_err(|_| SendError::Refused("The server's answer was not understood".into()));
        }
        Err(refusal(status, text, intake))
    }

    /// What a non-2xx answer means; one copy for every answer type.
    fn refusal(status: u16, text: &str, intake: bool) -> SendError {
        let err: Option<ErrorBody> = serde_json::from_str(text).ok();
        match (status, err) {
            (401, _) => SendError::SignedOut,
            (422, Some(e)) if !e.errors.is_empty() => SendError::Invalid(e.errors),
            (409, _) if intake => SendError::Conflict,
            (429, e) => SendError::Busy(e.map(|e| e.error).unwrap_or_default()),
            (500..=599, _) => SendError::Network,
            (_, Some(e)) if !e.error.is_empty() => SendError::Refused(e.error),
            _ => SendError::Refused(format!("The server answered {status}")),
        }
    }

    pub async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, SendError> {
        let (status, text) = fetch("GET", url, None, &[]).await?;
        decode(status, &text, false)
    }

    pub async fn post_json<B: Serialize, T: DeserializeOwned>(
        url: &str,
        body: &B,
        headers: &[(&str, &str)],
    ) -> Result<T, SendError> {
        let body = serde_json::to_string(body)
            .map_err(|_| SendError::Refused("Could not prepare the answers".into()))?;
        let (status, text) = fetch("POST", url, Some(body), headers).await?;
        decode(status, &text, url == "/api/v1/submissions")
    }

    /// A staff request: state changes carry the session's CSRF token.
    pub async fn staff_call<T: DeserializeOwned>(
        method: &str,
        url: &str,
        body: Option<String>,
        csrf: &str,
    ) -> Result<T, SendError> {
        let (status, text) = fetch(method, url, body, &[("X-CSRF-Token", csrf)]).await?;
        decode(status, &text, false)
    }

    /// Sends the file chosen in the file input `input_id` as the body of a
    /// staff POST (a photo from the camera). Its own request, not
    /// [`fetch`], and only in the clinic's bundle: the client's bundle stays
    /// without file handling.
    #[cfg(feature = "staff-bundle")]
    pub async fn staff_upload<T: DeserializeOwned>(
        url: &str,
        input_id: &str,
        csrf: &str,
    ) -> Result<T, SendError> {
        let file = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(input_id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
            .ok_or_else(|| SendError::Refused("Choose a photo first".into()))?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        let headers = web_sys::Headers::new().map_err(|_| SendError::Network)?;
        let _ = headers.set("Accept", "application/json");
        let _ = headers.set("Content-Type", &file.type_());
        let _ = headers.set("X-CSRF-Token", csrf);
        init.set_headers(&headers);
        init.set_body(&file);
        let request =
            web_sys::Request::new_with_str_and_init(url, &init).map_err(|_| SendError::Network)?;
        let window = web_sys::window().ok_or(SendError::Network)?;
        let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
            .await
            .map_err(|_| SendError::Network)?
            .dyn_into()
            .map_err(|_| SendError::Network)?;
        let text = JsFuture::from(response.text().map_err(|_| SendError::Network)?)
            .await
            .map_err(|_| SendError::Network)?
            .as_string()
            .unwrap_or_default();
        decode(response.status(), &text, false)
    }

    #[wasm_bindgen::prelude::wasm_bindgen(js_namespace = stippleOutbox)]
    extern "C" {
        #[wasm_bindgen(catch, js_name = put)]
        fn outbox_put(id: &str, body: &str) -> Result<js_sys::Promise, JsValue>;
        #[wasm_bindgen(catch, js_name = get)]
        fn outbox_get(id: &str) -> Result<js_sys::Promise, JsValue>;
        #[wasm_bindgen(catch, js_name = remove)]
        fn outbox_remove(id: &str) -> Result<js_sys::Promise, JsValue>;
        #[wasm_bindgen(catch, js_name = flush)]
        fn outbox_flush() -> Result<js_sys::Promise, JsValue>;
    }

    async fn settle(p: Result<js_sys::Promise, JsValue>) -> Result<JsValue, JsValue> {
        JsFuture::from(p?).await
    }

    /// Keeps the submission in the phone's outbox (IndexedDB) to be sent
    /// when the connection returns. False when the browser cannot keep it.
    pub async fn queue<B: Serialize>(id: &str, body: &B) -> bool {
        let Ok(text) = serde_json::to_string(body) else {
            return false;
        };
        settle(outbox_put(id, &text)).await.is_ok()
    }

    /// Sends what waits in the outbox, then tells what became of `id`.
    pub async fn outbox_state(id: &str) -> Outbox {
        let _ = settle(outbox_flush()).await;
        let Ok(record) = settle(outbox_get(id)).await else {
            return Outbox::Unknown;
        };
        let field = |name: &str| {
            js_sys::Reflect::get(&record, &JsValue::from_str(name))
                .ok()
                .and_then(|v| v.as_string())
        };
        match field("state").as_deref() {
            Some("queued") => Outbox::Queued,
            Some("sent") => {
                let text = field("receipt").unwrap_or_default();
                match serde_json::from_str(&text) {
                    Ok(r) => Outbox::Sent(r),
                    Err(_) => Outbox::Unknown,
                }
            }
            Some("refused") => {
                let status = js_sys::Reflect::get(&record, &JsValue::from_str("status"))
                    .ok()
                    .and_then(|v| v.as_f64())
                    .unwrap_or(400.0) as u16;
                match decode::<serde::de::IgnoredAny>(
                    status,
                    &field("answer").unwrap_or_default(),
                    true,
                ) {
                    Err(e) => Outbox::Refused(e),
                    Ok(_) => Outbox::Unknown,
                }
            }
            _ => Outbox::Unknown,
        }
    }

    /// Drops the outbox's record of `id` once the page has shown its fate.
    pub async fn outbox_forget(id: &str) {
        let _ = settle(outbox_remove(id)).await;
    }

    /// Calls `f` whenever the outbox changes or the connection returns.
    pub fn on_outbox_change(f: impl Fn() + 'static) {
        use wasm_bindgen::closure::Closure;
        let Some(w) = web_sys::window() else { return };
        let f = std::rc::Rc::new(f);
        for event in ["stipple-outbox", "online"] {
            let f = f.clone();
            let cb = Closure::<dyn Fn()>::new(move || f());
            let _ = w.add_event_listener_with_callback(event, cb.as_ref().unchecked_ref());
            // The listener lives as long as the page.
            cb.forget();
        }
    }

    pub fn navigate(url: &str) {
        if let Some(w) = web_sys::window() {
            let _ = w.location().assign(url);
        }
    }

    pub fn confirm(message: &str) -> bool {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(message).ok())
            .unwrap_or(false)
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    use super::*;

    pub fn load<T: DeserializeOwned>(_key: &str) -> Option<T> {
        None
    }
    pub fn save<T: Serialize>(_key: &str, _value: &T) {}
    pub fn remove(_key: &str) {}
    pub fn new_id() -> String {
        String::new()
    }
    pub fn today() -> NaiveDate {
        NaiveDate::default()
    }
    pub fn parse_decimal(s: &str) -> f64 {
        s.parse().unwrap_or(f64::NAN)
    }
    pub fn parse_instant(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
        chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.with_timezone(&chrono::Utc))
    }
    pub fn now_rfc3339() -> String {
        String::new()
    }
    pub fn now_ms() -> f64 {
        0.0
    }
    pub fn focus(_id: &str) {}
    pub fn scroll_top() {}
    pub fn path() -> String {
        String::new()
    }
    pub fn query_param(_name: &str) -> Option<String> {
        None
    }
    pub fn take_fragment() -> Option<String> {
        None
    }
    pub async fn get_json<T: DeserializeOwned>(_url: &str) -> Result<T, SendError> {
        Err(SendError::Network)
    }
    pub async fn post_json<B: Serialize, T: DeserializeOwned>(
        _url: &str,
        _body: &B,
        _headers: &[(&str, &str)],
    ) -> Result<T, SendError> {
        Err(SendError::Network)
    }
    pub async fn staff_call<T: DeserializeOwned>(
        _method: &str,
        _url: &str,
        _body: Option<String>,
        _csrf: &str,
    ) -> Result<T, SendError> {
        Err(SendError::Network)
    }
    pub async fn staff_upload<T: DeserializeOwned>(
        _url: &str,
        _input_id: &str,
        _csrf: &str,
    ) -> Result<T, SendError> {
        Err(SendError::Network)
    }
    pub async fn queue<B: Serialize>(_id: &str, _body: &B) -> bool {
        false
    }
    pub async fn outbox_state(_id: &str) -> Outbox {
        Outbox::Unknown
    }
    pub async fn outbox_forget(_id: &str) {}
    pub fn on_outbox_change(_f: impl Fn() + 'static) {}
    pub fn navigate(_url: &str) {}
    pub fn confirm(_message: &str) -> bool {
        false
    }
}

pub use imp::*;
