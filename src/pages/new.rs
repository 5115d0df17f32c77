use eventual_model::EventInput;
use eventual_query::use_query_client;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::components::{EventForm, FormState};
use crate::draft::{BrowserClock, Draft};
use crate::events::EventActions;
use crate::flags::optimistic;
use crate::keys;
use crate::routes;
use crate::time;

/// `/events/new`: the empty form with "Create".
#[component]
pub fn NewPage() -> impl IntoView {
    let actions = expect_context::<EventActions>();
    // A create that failed on its stand-in page comes back here with what it showed.
    let restored = actions.take_restored();
    let form = FormState::new(restored.as_ref().map_or_else(default_draft, |(input, _)| {
        Draft::from_input(input, &BrowserClock)
    }));
    if let Some((_, errors)) = restored {
        form.server_errors.set(errors);
    }
    let client = use_query_client();
    // Submitted without optimism: busy while the create (which changes every list) is unsettled.
    let submitted = RwSignal::new(false);
    let creating = client.mutating(&keys::lists());
    let busy = Signal::derive(move || submitted.get() && creating.get());
    let navigate = use_navigate();
    let location = use_location();
    let on_submit = Callback::new(move |input: EventInput| {
        let go = navigate.clone();
        let replace = || NavigateOptions {
            replace: true,
            ..Default::default()
        };
        let (_, standin) = actions.create(input, form.feedback(|| None), move |saved| {
            // Without optimism the form waits; move on if the person is still waiting here.
            if !optimistic()
                && location
                    .pathname
                    .get_untracked()
                    .ends_with(routes::NEW_EVENT)
            {
                go(&routes::event(&saved.id), replace());
            }
        });
        if optimistic() {
            // The new event's page at once, on its stand-in; it moves to the real id itself.
            navigate(&routes::event(&standin), replace());
        } else {
            submitted.set(true);
        }
    });
    view! {
        <section class="page new-page">
            <header class="page-head">
                <h1>"New event"</h1>
            </header>
            <EventForm form=form submit_label="Create" on_submit=on_submit busy=busy />
        </section>
    }
}

/// Tomorrow 09:00–10:00 local time: a sensible start that already passes validation
/// except for the title.
fn default_draft() -> Draft {
    let now = js_sys::Date::new_0();
    let tomorrow_ms = now.get_time() + 86_400_000.0;
    let day = eventual_model::Timestamp::from_unix_millis(tomorrow_ms as i64)
        .and_then(time::timestamp_to_wall)
        .map(|w| time::format_date(w.date))
        .unwrap_or_default();
    Draft {
        start: format!("{day}T09:00"),
        end: format!("{day}T10:00"),
        ..Draft::default()
    }
}
