use leptos::prelude::*;
use leptos_router::components::A;

/// Any path the router does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="page not-found">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <A href=crate::config::href(crate::routes::EVENTS) exact=true>"Back to events"</A>
        </section>
    }
}
