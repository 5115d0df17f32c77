//! The month: whole weeks of day cells, each listing its events (all-day first, then by
//! start), with "+N more" where a cell holds more than fit.

use eventual_model::{Event, EventId};
use leptos::prelude::*;
use time::Date;

use super::intl;
use super::item::{EventLink, Fit, Place};
use super::shell::Cal;
use super::slot;
use crate::calendar::browser::BrowserZone;
use crate::calendar::{format_route_date, month_cells, MonthCell};

/// Lines a cell shows before "+N more" takes the last one.
const CELL_LINES: usize = 4;

#[component]
pub fn MonthGrid() -> impl IntoView {
    let cal = expect_context::<Cal>();
    let open = RwSignal::new(None::<Date>);
    let cells = Memo::new(move |_| {
        let lines = |d: &Date| {
            if open.get() == Some(*d) {
                usize::MAX
            } else {
                CELL_LINES
            }
        };
        cal.days.with(|days| {
            cal.events.with(|events| {
                let mut cells = month_cells(&BrowserZone, days, events, CELL_LINES);
                if let Some(d) = open.get() {
                    if let Some(i) = days.iter().position(|x| *x == d) {
                        cells[i] =
                            month_cells(&BrowserZone, &days[i..=i], events, lines(&d)).remove(0);
                    }
                }
                cells
            })
        })
    });
    let heads = move || {
        cal.days.with(|d| {
            d.iter()
                .take(7)
                .map(|d| view! { <span>{intl::weekday(*d)}</span> })
                .collect_view()
        })
    };
    view! {
        <div class="cal-month">
            <div class="cal-month-heads" aria-hidden="true">{heads}</div>
            <div class="cal-month-grid">
                <For each=move || cal.days.get() key=|d: &Date| *d let:day>
                    <Cell day=day cells=cells open=open />
                </For>
            </div>
        </div>
    }
}

#[component]
fn Cell(day: Date, cells: Memo<Vec<MonthCell>>, open: RwSignal<Option<Date>>) -> impl IntoView {
    let cal = expect_context::<Cal>();
    let items = Memo::new(move |_| {
        cells.with(|cells| {
            cal.events.with(|events| {
                let cell = cells.iter().find(|c| c.date == day);
                let list: Vec<Event> = cell
                    .map(|c| {
                        c.visible
                            .iter()
                            .filter_map(|i| events.get(*i).cloned())
                            .collect()
                    })
                    .unwrap_or_default();
                (list, cell.map_or(0, |c| c.more))
            })
        })
    });
    let month = cal.view.with_untracked(|v| v.date.month());
    let other = day.month() != month;
    let more = move || items.with(|(_, more)| *more);
    view! {
        <div
            role="group"
            aria-label=intl::full_date(day)
            class="cal-cell"
            class:cal-other-month=other
            data-date=format_route_date(day)
            on:click=move |ev| slot::strip_click(cal, &ev, day)
        >
            <span class="cal-cell-day" aria-hidden="true">{day.day()}</span>
            <For
                each=move || items.with(|(v, _)| v.iter().map(|e| e.id.clone()).collect::<Vec<_>>())
                key=|id: &EventId| id.clone()
                let:id
            >
                <CellEvent id=id day=day items=items />
            </For>
            <Show when=move || { more() > 0 }>
                <button type="button" class="cal-more" on:click=move |_| open.set(Some(day))>
                    {move || format!("+{} more", more())}
                </button>
            </Show>
            <Show when=move || open.get() == Some(day)>
                <button type="button" class="cal-more" on:click=move |_| open.set(None)>
                    "Show less"
                </button>
            </Show>
        </div>
    }
}

#[component]
fn CellEvent(id: EventId, day: Date, items: Memo<(Vec<Event>, usize)>) -> impl IntoView {
    let event = {
        let id = id.clone();
        Memo::new(move |_| items.with(|(v, _)| v.iter().find(|e| e.id == id).cloned()))
    };
    view! { <EventLink id=id day=day event=event place=Place::default() fit=Fit::Line /> }
}
