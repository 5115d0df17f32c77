//! The week: a column per day for 00:00–24:00 on one scale, the all-day strip above it, the
//! now-line on today, scrolled to the morning at first.

use eventual_model::{Event, EventId, Timestamp};
use leptos::html::Div;
use leptos::prelude::*;
use time::Date;

use super::intl;
use super::item::{EventLink, Fit, Place};
use super::shell::{Cal, HOUR_PX};
use super::slot;
use crate::calendar::browser::{now, BrowserZone};
use crate::calendar::{all_day_strip, format_route_date, now_fraction, week_columns, Placed};

/// Where the grid is scrolled to at first: 07:00.
const MORNING_HOUR: f64 = 7.0;

#[component]
pub fn WeekGrid() -> impl IntoView {
    let cal = expect_context::<Cal>();
    let columns = Memo::new(move |_| {
        cal.days
            .with(|d| cal.events.with(|e| week_columns(&BrowserZone, d, e)))
    });
    let strip = Memo::new(move |_| {
        cal.days
            .with(|d| cal.events.with(|e| all_day_strip(&BrowserZone, d, e)))
    });
    let rows = move || strip.with(|s| s.iter().flatten().map(|i| i.row + 1).max().unwrap_or(0));
    let clock = RwSignal::new(now());
    let tick =
        set_interval_with_handle(move || clock.set(now()), std::time::Duration::from_secs(30)).ok();
    on_cleanup(move || {
        if let Some(t) = tick {
            t.clear();
        }
    });
    let scroller = NodeRef::<Div>::new();
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        match scroller.get() {
            Some(el) => {
                el.set_scroll_top((MORNING_HOUR * HOUR_PX) as i32);
                true
            }
            None => false,
        }
    });
    let hours = (1..24u8)
        .map(|h| {
            let top = format!("{}px", f64::from(h) * HOUR_PX);
            view! { <span style:top=top>{intl::hour_label(h)}</span> }
        })
        .collect_view();
    view! {
        <div class="cal-week" style:--strip-rows=move || rows().to_string()>
            <div class="cal-scroll" node_ref=scroller>
                <div class="cal-week-grid">
                    <div class="cal-gutter" aria-hidden="true">
                        <div class="cal-corner"></div>
                        <div class="cal-hour-labels">{hours}</div>
                    </div>
                    <For each=move || cal.days.get() key=|d: &Date| *d let:day>
                        <Day day=day columns=columns strip=strip clock=clock />
                    </For>
                </div>
            </div>
        </div>
    }
}

/// The events of `day`'s column or strip: (event, how it sits), in order.
type Items<P> = Memo<Vec<(Event, P)>>;

#[component]
fn Day(
    day: Date,
    columns: Memo<Vec<crate::calendar::DayColumn>>,
    strip: Memo<Vec<Vec<crate::calendar::AllDayItem>>>,
    clock: RwSignal<Timestamp>,
) -> impl IntoView {
    let cal = expect_context::<Cal>();
    let timed: Items<Placed> = Memo::new(move |_| {
        columns.with(|cols| {
            cal.events.with(|events| {
                cols.iter()
                    .find(|c| c.date == day)
                    .map(|c| {
                        c.events
                            .iter()
                            .filter_map(|p| Some((events.get(p.index)?.clone(), *p)))
                            .collect()
                    })
                    .unwrap_or_default()
            })
        })
    });
    let all_day: Items<usize> = Memo::new(move |_| {
        let index = cal.days.with(|d| d.iter().position(|x| *x == day));
        strip.with(|s| {
            cal.events.with(|events| {
                index
                    .and_then(|i| s.get(i))
                    .map(|items| {
                        items
                            .iter()
                            .filter_map(|it| Some((events.get(it.index)?.clone(), it.row)))
                            .collect()
                    })
                    .unwrap_or_default()
            })
        })
    });
    let now_line = move || {
        now_fraction(&BrowserZone, day, clock.get())
            .map(|f| view! { <div class="cal-now" style:top=format!("{}%", f * 100.0)></div> })
    };
    let is_today = move || now_fraction(&BrowserZone, day, clock.get()).is_some();
    let selection = move || {
        cal.selection.with(|s| {
            s.as_ref().filter(|s| s.day == day).map(|s| {
                let (a, b) = s.span();
                view! {
                    <div
                        class="cal-selection"
                        style:top=format!("{a}px")
                        style:height=format!("{}px", b - a)
                    ></div>
                }
            })
        })
    };
    view! {
        <div
            role="group"
            aria-label=intl::full_date(day)
            class="cal-day"
            class:cal-today=is_today
            data-date=format_route_date(day)
        >
            <div class="cal-day-head" aria-hidden="true">
                {intl::short_day(day)}
            </div>
            <div class="cal-allday" on:click=move |ev| slot::strip_click(cal, &ev, day)>
                <For
                    each=move || all_day.with(|v| v.iter().map(|(e, _)| e.id.clone()).collect::<Vec<_>>())
                    key=|id: &EventId| id.clone()
                    let:id
                >
                    {placed_event(id, day, all_day, Fit::Line, strip_place)}
                </For>
            </div>
            <div
                class="cal-hours"
                on:pointerdown=move |ev| slot::press_slot(cal, &ev, day)
            >
                <For
                    each=move || timed.with(|v| v.iter().map(|(e, _)| e.id.clone()).collect::<Vec<_>>())
                    key=|id: &EventId| id.clone()
                    let:id
                >
                    {placed_event(id, day, timed, Fit::Timed, timed_place)}
                </For>
                {selection}
                {now_line}
            </div>
        </div>
    }
}

/// One event of `items` (found by `id`, so it follows moves), placed by `place`.
fn placed_event<P: Clone + Send + Sync + PartialEq + 'static>(
    id: EventId,
    day: Date,
    items: Items<P>,
    fit: Fit,
    place: impl Fn(Option<&P>) -> Place + Send + Sync + 'static,
) -> impl IntoView {
    let item = {
        let id = id.clone();
        Memo::new(move |_| items.with(|v| v.iter().find(|(e, _)| e.id == id).cloned()))
    };
    let event = Memo::new(move |_| item.with(|i| i.as_ref().map(|(e, _)| e.clone())));
    let place = Signal::derive(move || item.with(|i| place(i.as_ref().map(|(_, p)| p))));
    view! { <EventLink id=id day=day event=event place=place fit=fit /> }
}

/// A timed event: top and height on the day's one scale, side by side with its overlaps.
fn timed_place(p: Option<&Placed>) -> Place {
    p.map(|p| {
        let cols = p.columns.max(1) as f64;
        Place {
            top: format!("{:.4}%", p.top * 100.0),
            height: format!("{:.4}%", p.height * 100.0),
            left: format!("{:.4}%", p.column as f64 / cols * 100.0),
            width: format!("{:.4}%", 100.0 / cols),
            row: String::new(),
        }
    })
    .unwrap_or_default()
}

/// An all-day event: its row in the strip (kept across the days it spans).
fn strip_place(row: Option<&usize>) -> Place {
    Place {
        row: row.map(|r| (r + 1).to_string()).unwrap_or_default(),
        ..Place::default()
    }
}
