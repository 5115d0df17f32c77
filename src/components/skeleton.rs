use leptos::prelude::*;

/// Placeholder rows while the first load is in flight; announced once as "Loading …".
#[component]
pub fn Skeleton(#[prop(into)] label: String, #[prop(default = 4)] rows: usize) -> impl IntoView {
    view! {
        <div class="loading" aria-busy="true">
            <p class="visually-hidden">{label}</p>
            <ul class="skeleton-list" aria-hidden="true">
                {(0..rows).map(|_| view! { <li class="skeleton-row"></li> }).collect_view()}
            </ul>
        </div>
    }
}
