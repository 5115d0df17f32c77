//! The list's rows: one signal per row, so an edit re-renders only its row.

use std::collections::HashMap;

use eventual_model::{Event, EventId, Status};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::events::{is_temp, EventActions};
use crate::pages::paging::Joined;
use crate::routes;
use crate::time::format_range;

/// How close to the end of the page (px) scrolling loads the next page.
const LOAD_AHEAD_PX: f64 = 600.0;

/// Whether the window is scrolled to within [`LOAD_AHEAD_PX`] of the document's end.
fn near_the_end() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let height = window
        .inner_height()
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    let y = window.scroll_y().unwrap_or(0.0);
    let full = window
        .document()
        .and_then(|d| d.document_element())
        .map_or(0.0, |e| f64::from(e.scroll_height()));
    height + y >= full - LOAD_AHEAD_PX
}

/// The rows, keyed by id: an edit re-renders only its row, a reorder only moves rows. Below
/// them "Show more" while more remain; scrolling to the end does the same.
#[component]
pub(super) fn EventList(
    joined: Memo<Joined>,
    load_more: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    // One signal per row, so a change wakes only the rows whose event changed (not every
    // row's effects); the list of rows itself changes only when ids come, go or move.
    let rows = StoredValue::new_local(Rows::default());
    let order = RwSignal::new(Vec::<Row>::new());
    let sync = move |list: Option<&Vec<Event>>| {
        let list = list.map(Vec::as_slice).unwrap_or_default();
        if let Some(next) = rows.try_update_value(|r| r.sync(list)).flatten() {
            order.set(next);
        }
    };
    // The first rows are built now, not a tick later.
    untrack(|| joined.with(|j| sync(Some(&j.events))));
    Effect::new(move |_| joined.with(|j| sync(Some(&j.events))));
    let more = move || joined.with(|j| j.more);
    let on_scroll = window_event_listener(leptos::ev::scroll, move |_| {
        if joined.with_untracked(|j| j.more && j.next.is_none()) && near_the_end() {
            load_more();
        }
    });
    on_cleanup(move || on_scroll.remove());
    view! {
        <ul class="event-list" aria-label="Events">
            <For each=move || order.get() key=|row: &Row| row.0.clone() let:row>
                <EventItem id=row.0 event=RwSignal::from(row.1).read_only() />
            </For>
        </ul>
        <p class="fetching" aria-live="polite">
            {move || if joined.with(|j| j.next.is_some()) { "Loading more events…" } else { "" }}
        </p>
        <Show when=more>
            <div class="list-more">
                <button type="button" class="button" on:click=move |_| load_more()>
                    "Show more"
                </button>
            </div>
        </Show>
    }
}

/// A row: its event's id and a signal holding the event.
type Row = (EventId, ArcRwSignal<Event>);

/// The rows on screen, in list order.
#[derive(Default)]
struct Rows(Vec<Row>);

impl Rows {
    /// Brings the rows up to `list`, setting only the signals of changed events. Returns the
    /// new rows when ids came, went or moved (kept rows keep their signals).
    fn sync(&mut self, list: &[Event]) -> Option<Vec<Row>> {
        let same_ids =
            self.0.len() == list.len() && self.0.iter().zip(list).all(|((id, _), e)| *id == e.id);
        if same_ids {
            for ((_, row), event) in self.0.iter().zip(list) {
                update_row(row, event);
            }
            return None;
        }
        let mut old: HashMap<EventId, ArcRwSignal<Event>> = self.0.drain(..).collect();
        self.0 = list
            .iter()
            .map(|event| {
                let row = match old.remove(&event.id) {
                    Some(row) => {
                        update_row(&row, event);
                        row
                    }
                    None => ArcRwSignal::new(event.clone()),
                };
                (event.id.clone(), row)
            })
            .collect();
        Some(self.0.clone())
    }
}

/// Sets `row` to `event` unless equal (equal events don't notify).
fn update_row(row: &ArcRwSignal<Event>, event: &Event) {
    if row.with_untracked(|shown| shown != event) {
        row.set(event.clone());
    }
}

/// One row, kept in place while its event changes (so focus stays on its status select).
#[component]
fn EventItem(id: EventId, event: ReadSignal<Event>) -> impl IntoView {
    let actions = expect_context::<EventActions>();
    let pending = is_temp(&id);
    let href = crate::config::href(&routes::event(&id));
    let field = move |f: fn(&Event) -> String| move || event.with(f);
    let status = move || event.with(|e| e.status);
    let class = move || {
        format!(
            "event-item status-{}{}",
            status().as_str(),
            if pending { " pending" } else { "" }
        )
    };
    view! {
        <li class=class aria-busy=pending.then_some("true")>
            <A href=href attr:class="event-title">
                {field(|e| e.title.clone())}
            </A>
            <span class="event-when">
                {field(|e| format_range(e.start, e.end, e.all_day))}
            </span>
            <span class="event-status">
                <select
                    aria-label=field(|e| format!("Status of {}", e.title))
                    disabled=pending
                    prop:value=move || status().as_str()
                    on:change=move |ev| {
                        if let Ok(s) = event_target_value(&ev).parse::<Status>() {
                            actions.set_status(&event.get_untracked(), s);
                        }
                    }
                >
                    {Status::ALL
                        .into_iter()
                        .map(|s| {
                            view! {
                                <option value=s.as_str() selected=move || status() == s>
                                    {s.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </span>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, title: &str) -> Event {
        serde_json::from_value(serde_json::json!({
            "id": id, "title": title, "start": "2026-12-01T09:00:00Z",
            "end": "2027-01-01T00:00:00Z", "version": 1
        }))
        .unwrap()
    }

    fn ids(rows: &[Row]) -> Vec<&str> {
        rows.iter().map(|(id, _)| id.as_str()).collect()
    }

    #[test]
    fn an_edit_sets_only_its_row_and_keeps_the_rows() {
        let mut rows = Rows::default();
        let list = vec![event("1", "a"), event("2", "b"), event("3", "c")];
        let first = rows.sync(&list).expect("new rows");
        assert_eq!(ids(&first), ["1", "2", "3"]);
        assert!(rows.sync(&list).is_none(), "an equal list changes nothing");

        let mut edited = list.clone();
        edited[1].title = "B".into();
        assert!(rows.sync(&edited).is_none(), "same ids: no new rows");
        assert_eq!(first[1].1.with_untracked(|e| e.title.clone()), "B");
        assert_eq!(first[0].1.get_untracked(), list[0]);
        assert_eq!(first[2].1.get_untracked(), list[2]);
    }

    #[test]
    fn moves_and_removals_keep_the_signals_of_kept_rows() {
        let mut rows = Rows::default();
        let first = rows
            .sync(&[event("1", "a"), event("2", "b"), event("3", "c")])
            .expect("new rows");
        let next = rows
            .sync(&[event("3", "c"), event("4", "d"), event("1", "A")])
            .expect("ids moved");
        assert_eq!(ids(&next), ["3", "4", "1"]);
        assert!(next[0].1 == first[2].1, "row 3 kept its signal");
        assert!(next[2].1 == first[0].1, "row 1 kept its signal");
        assert_eq!(next[2].1.with_untracked(|e| e.title.clone()), "A");
        assert_eq!(next[1].1.with_untracked(|e| e.title.clone()), "d");
        assert!(rows.sync(&[]).is_some_and(|r| r.is_empty()));
    }
}
