use crate::pages::PageTitle;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(resp) = use_context::<leptos_actix::ResponseOptions>() {
            resp.set_status(actix_web::http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <PageTitle text="Page not found"/>
        <main class="page">
            <h1>"Page not found"</h1>
            <p>"The page you asked for is not here."</p>
            <p><a class="button" href="/">"Go to the start"</a></p>
        </main>
    }
}
