use eventual_model::Status;
use leptos::prelude::*;

/// An event's status as text with a colour cue (never colour alone).
#[component]
pub fn StatusBadge(#[prop(into)] status: Signal<Status>) -> impl IntoView {
    view! {
        <span class=move || format!("badge badge-{}", status.get().as_str())>
            {move || status.get().label()}
        </span>
    }
}
