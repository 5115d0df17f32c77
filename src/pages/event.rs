use eventual_model::{Event, EventId, EventPatch};
use eventual_query::{use_query, use_query_client};
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_params_map;

use crate::api::Api;
use crate::components::{EventForm, FormState, Skeleton};
use crate::draft::{BrowserClock, Draft};
use crate::events::{is_temp, EventActions};
use crate::keys;
use crate::pages::list::LoadError;
use crate::routes;

/// `/events/:id`: the event's title as `h1` and its edit form.
#[component]
pub fn EventPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        EventId::new(params.with(|p| p.get(routes::ID_PARAM).unwrap_or_default()))
    });
    let actions = expect_context::<EventActions>();
    move || {
        let id = id.get();
        if !is_temp(&id) {
            return view! { <EventDetail id=id /> }.into_any();
        }
        // Untracked: the stand-in page itself follows its create to the real id.
        match actions.created_id_untracked(&id) {
            Some(real) => view! { <Redirect path=routes::event(&real) /> }.into_any(),
            None => view! { <StandIn id=id /> }.into_any(),
        }
    }
}

/// A new event's page while its create is in flight, on its temporary id: editable at once
/// (edits queue behind the create); when the real id arrives the URL moves to it in place
/// (history replace, no re-render), and the same editor goes on with the server's copy.
#[component]
fn StandIn(id: EventId) -> impl IntoView {
    let actions = expect_context::<EventActions>();
    let client = use_query_client();
    let temp_key = keys::event(&id);
    let real = Memo::new({
        let id = id.clone();
        move |_| actions.created_id(&id)
    });
    Effect::new(move |_| {
        if let Some(real) = real.get() {
            replace_url(&crate::config::href(&routes::event(&real)));
        }
    });
    // Read (and kept alive, refetched) as a query: the stand-in until the real id arrives,
    // then the real event, whose entry the create filled before it announced the id.
    let api = expect_context::<Api>();
    let query_key = Memo::new({
        let temp_key = temp_key.clone();
        move |_| {
            real.get()
                .map_or_else(|| temp_key.clone(), |r| keys::event(&r))
        }
    });
    let query = use_query(
        move || query_key.get(),
        move |_key, signal| {
            let (api, real) = (api.clone(), real.get_untracked());
            async move {
                match real {
                    Some(real) => api.get(&real, signal.web()).await,
                    // A stand-in is only ever filled by its create, never fetched.
                    None => futures::future::pending().await,
                }
            }
        },
    );
    let event = query.data;
    let saving = Signal::derive(move || match real.get() {
        None => true,
        Some(real) => client.is_mutating(&temp_key) || client.is_mutating(&keys::event(&real)),
    });
    let has_data = Memo::new(move |_| event.with(Option::is_some));
    move || {
        if has_data.get() {
            return view! { <EventEditor event=event saving=saving id=id.clone() /> }.into_any();
        }
        view! {
            <section class="page" aria-busy="true">
                <h1>"Saving new event…"</h1>
                <A href=crate::config::href(routes::EVENTS) exact=true>"Back to events"</A>
            </section>
        }
        .into_any()
    }
}

/// Moves the address bar to `url` without a navigation (the page on screen stays).
fn replace_url(url: &str) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
}

#[component]
fn EventDetail(id: EventId) -> impl IntoView {
    let api = expect_context::<Api>();
    let actions = expect_context::<EventActions>();
    let client = use_query_client();
    let key = keys::event(&id);
    let fetch_id = id.clone();
    let event = use_query(
        {
            let key = key.clone();
            move || key.clone()
        },
        move |_key, signal| {
            let (api, id) = (api.clone(), fetch_id.clone());
            async move { api.get(&id, signal.web()).await }
        },
    );
    let saving = client.mutating(&key);
    // The tab title follows the (optimistic) event title.
    Effect::new(move |_| {
        if let Some(e) = event.data.get() {
            document().set_title(&format!("{} · Eventual", e.title));
        }
    });
    on_cleanup(|| document().set_title("Eventual"));
    let id = StoredValue::new(id);
    // Memos so the editor is built once, not on every change of the data it shows.
    let has_data = Memo::new(move |_| event.data.with(Option::is_some));
    let error = Memo::new(move |_| event.error.get());
    move || {
        if has_data.get() {
            return view! { <EventEditor event=event.data saving=saving id=id.get_value() /> }
                .into_any();
        }
        if let Some(error) = error.get() {
            if error.is_not_found() {
                return view! {
                    <section class="page not-found">
                        <h1>"Event not found"</h1>
                        <p>"It may have been deleted."</p>
                        <A href=crate::config::href(routes::EVENTS) exact=true>"Back to events"</A>
                    </section>
                }
                .into_any();
            }
            return view! {
                <section class="page">
                    <h1>"Event"</h1>
                    <LoadError error=error on_retry=move || event.refetch() />
                    <A href=crate::config::href(routes::EVENTS) exact=true>"Back to events"</A>
                </section>
            }
            .into_any();
        }
        let _ = actions;
        view! {
            <section class="page">
                <h1>"Loading event…"</h1>
                <Skeleton label="Loading event…" rows=3 />
            </section>
        }
        .into_any()
    }
}

#[component]
fn EventEditor(event: Signal<Option<Event>>, saving: Signal<bool>, id: EventId) -> impl IntoView {
    let actions = expect_context::<EventActions>();
    let form = FormState::new(Draft::default());
    // Fill the fields now, not on the effect's first run a tick later: typing that lands in
    // between would otherwise be overwritten by that first sync.
    if let Some(e) = event.get_untracked() {
        form.sync(Draft::from_input(&e.input(), &BrowserClock));
    }
    Effect::new(move |_| {
        if let Some(e) = event.get() {
            form.sync(Draft::from_input(&e.input(), &BrowserClock));
        }
    });
    let feedback = form.feedback(move || event.get_untracked().map(|e| e.input()));
    let save_id = id.clone();
    let on_submit = Callback::new(move |input| {
        let Some(shown) = event.get_untracked() else {
            return;
        };
        let patch = EventPatch::diff(&shown.input(), &input);
        actions.save(
            save_id.clone(),
            input_title(&shown, &patch),
            patch,
            feedback,
        );
    });
    let on_delete = Callback::new(move |_| {
        if let Some(e) = event.get_untracked() {
            actions.delete(e);
        }
    });
    let _ = id;
    view! {
        <section class="page event-page">
            <header class="page-head">
                <h1>{move || event.with(|e| e.as_ref().map(|e| e.title.clone()).unwrap_or_default())}</h1>
            </header>
            <EventForm form=form submit_label="Save" on_submit=on_submit on_delete=on_delete busy=saving />
        </section>
    }
}

/// The title to name the event by in messages: the new one when the patch renames it.
fn input_title(shown: &Event, patch: &EventPatch) -> String {
    match &patch.title {
        eventual_model::Patch::Set(t) => t.clone(),
        _ => shown.title.clone(),
    }
}
