//! The routes and the frame around a grid: heading, Previous / Today / Next, the Week / Month
//! switch, the live region, the "New event" dialog and the neighbouring ranges loaded ahead.

use eventual_model::{Event, EventId};
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;
use time::Date;

use super::data::{use_range, Prefetch};
use super::dialog::{NewEventDialog, NewSlot};
use super::drag::{self, Drag};
use super::intl;
use super::month::MonthGrid;
use super::week::WeekGrid;
use crate::calendar::browser::{first_weekday, now, BrowserZone};
use crate::calendar::{parse_route_date, today, View, ViewKind};
use crate::config::href;
use crate::events::EventActions;
use crate::pages::NotFound;

/// Pixels per hour of the week grid (15 minutes = 12 px).
pub const HOUR_PX: f64 = 48.0;

/// What the parts of one calendar page share.
#[derive(Clone, Copy)]
pub struct Cal {
    pub view: Memo<View>,
    pub days: Memo<Vec<Date>>,
    /// The events of the range as shown: cached (optimistic edits applied), the one being
    /// dragged at its preview place.
    pub events: Memo<Vec<Event>>,
    /// The gesture in progress, if any.
    pub drag: RwSignal<Option<Drag>>,
    /// What the `status` live region says.
    pub announce: RwSignal<String>,
    /// The slot the "New event" dialog is open for.
    pub slot: RwSignal<Option<NewSlot>>,
    /// A press or drag across empty time.
    pub selection: RwSignal<Option<super::slot::Selection>>,
    /// Until when (ms) the click that follows a drop opens nothing.
    pub swallow_until: RwSignal<f64>,
    pub actions: EventActions,
    /// The dragging pointer near the grid's edge (see `autoscroll.rs`).
    pub edge: StoredValue<super::autoscroll::Edge>,
}

impl Cal {
    pub fn kind(&self) -> ViewKind {
        self.view.with_untracked(|v| v.kind)
    }

    /// The event as cached (not as previewed), untracked.
    pub fn cached(&self, id: &EventId) -> Option<Event> {
        let picked = self
            .drag
            .with_untracked(|d| d.as_ref().filter(|d| &d.id == id).map(|d| d.origin.clone()));
        picked.or_else(|| {
            self.events
                .with_untracked(|l| l.iter().find(|e| &e.id == id).cloned())
        })
    }
}

pub fn today_here() -> Date {
    today(&BrowserZone, now())
}

/// `/calendar`: the week of today, in the browser's zone.
#[component]
pub fn CalendarRedirect() -> impl IntoView {
    let view = View::new(ViewKind::Week, today_here(), first_weekday());
    view! { <Redirect path=view.path() /> }
}

/// `/calendar/week/:date`.
#[component]
pub fn WeekPage() -> impl IntoView {
    view! { <Calendar kind=ViewKind::Week /> }
}

/// `/calendar/month/:date`.
#[component]
pub fn MonthPage() -> impl IntoView {
    view! { <Calendar kind=ViewKind::Month /> }
}

/// The page for `kind`, or the not-found page when `:date` is not a real date.
#[component]
fn Calendar(kind: ViewKind) -> impl IntoView {
    let params = use_params_map();
    let date = Memo::new(move |_| {
        params
            .with(|p| p.get("date"))
            .and_then(|s| parse_route_date(&s))
    });
    view! {
        <Show when=move || date.get().is_some() fallback=|| view! { <NotFound /> }>
            <Frame
                kind=kind
                date=Memo::new(move |last: Option<&Date>| {
                    date.get().or(last.copied()).unwrap_or_else(today_here)
                })
            />
        </Show>
    }
}

#[component]
fn Frame(kind: ViewKind, date: Memo<Date>) -> impl IntoView {
    let first = first_weekday();
    let view = Memo::new(move |_| View::new(kind, date.get(), first));
    let range = Memo::new(move |_| view.get().range(&BrowserZone));
    let days = Memo::new(move |_| view.get().days());
    let loaded = use_range(move || range.with(|r| (r.from, r.to)));
    let drag = RwSignal::new(None::<Drag>);
    let events = Memo::new(move |_| {
        let r = range.get();
        let preview = drag.with(|d| d.as_ref().map(|d| d.preview()));
        loaded.with_data(|d| {
            d.map(|list| {
                list.iter()
                    .map(|e| match &preview {
                        Some(p) if p.id == e.id => p.clone(),
                        _ => e.clone(),
                    })
                    .filter(|e| r.overlaps(e.start, e.end))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
        })
    });
    let cal = Cal {
        view,
        days,
        events,
        drag,
        announce: RwSignal::new(String::new()),
        slot: RwSignal::new(None),
        selection: RwSignal::new(None),
        swallow_until: RwSignal::new(0.0),
        actions: expect_context::<EventActions>(),
        edge: StoredValue::new(Default::default()),
    };
    provide_context(cal);
    drag::install(cal);
    let neighbour = |by: i32| {
        Signal::derive(move || {
            let v = view.get();
            let r = if by < 0 { v.prev() } else { v.next() }.range(&BrowserZone);
            (r.from, r.to)
        })
    };
    let heading = move || {
        view.with(|v| match kind {
            ViewKind::Week => {
                let (a, b) = v.bounds();
                intl::week_heading(a, b)
            }
            ViewKind::Month => intl::month_heading(v.date),
        })
    };
    let (prev_label, next_label) = match kind {
        ViewKind::Week => ("Previous week", "Next week"),
        ViewKind::Month => ("Previous month", "Next month"),
    };
    let to = move |v: View| href(&v.path());
    let current = move |k: ViewKind| (k == kind).then_some("page");
    view! {
        <section class="page calendar-page">
            <header class="cal-head">
                <h1>{heading}</h1>
                <div class="cal-tools">
                    <a class="button" href=move || to(view.get().prev())>{prev_label}</a>
                    <a class="button" href=move || to(View { date: today_here(), ..view.get() })>
                        "Today"
                    </a>
                    <a class="button" href=move || to(view.get().next())>{next_label}</a>
                    <span class="cal-switch">
                        <a
                            class="button"
                            href=move || to(view.get().with_kind(ViewKind::Week))
                            aria-current=current(ViewKind::Week)
                        >
                            "Week"
                        </a>
                        <a
                            class="button"
                            href=move || to(view.get().with_kind(ViewKind::Month))
                            aria-current=current(ViewKind::Month)
                        >
                            "Month"
                        </a>
                    </span>
                </div>
            </header>
            <p class="fetching" aria-live="polite">
                {move || if loaded.is_loading.get() { "Loading events…" } else { "" }}
            </p>
            <p class="visually-hidden" role="status">
                {move || cal.announce.get()}
            </p>
            {match kind {
                ViewKind::Week => view! { <WeekGrid /> }.into_any(),
                ViewKind::Month => view! { <MonthGrid /> }.into_any(),
            }}
            <NewEventDialog />
            <Prefetch range=neighbour(-1) />
            <Prefetch range=neighbour(1) />
        </section>
    }
}
