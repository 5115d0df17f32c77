// The calendar's rows of the bench report (issue 14), from `browser.json`'s `calendar` part
// (bench/calendar.mjs). `h` holds report.mjs's row/verdict/ms helpers.

/** Rows for the drop paint, requests per move, "Next week" and the 1,000-event month. */
export function calendarRows(c, { row, verdict, ms }) {
  if (!c) return [row('Calendar', 'n/a', '', 'NOT MEASURED', '', 'no calendar data in browser.json')];
  const rows = [];
  const d = c.drops;
  if (d && !d.error) {
    const { pointer: p, keyboard: k, all } = d;
    const clean = d.missed === 0 && d.flickers === 0 && d.movedAway === 0;
    rows.push(
      row(
        `Calendar: drop → event painted at its new place (PATCH held ${d.delayMs} ms; ${p.dom.n} pointer + ${k.dom.n} keyboard drops)`,
        `DOM: pointer median ${ms(p.dom.median)}, p95 ${ms(p.dom.p95)}; keyboard median ${ms(k.dom.median)}, p95 ${ms(k.dom.p95)}; ` +
          `next animation frame: p95 ${ms(all.frame.p95)} (median ${ms(all.frame.median)}); ` +
          `${d.missed} never landed, ${d.flickers} showed the old place again, ${d.movedAway} left the new place before the server answered`,
        'p95 ≤ 8 ms (as the save)',
        all.dom.n ? verdict(all.dom.p95 <= 8 && clean) : 'NOT MEASURED',
        '',
        'judged on the DOM time, as the save row; the frame figure also waits for the next vsync',
      ),
    );
    const moves = d.moves || [];
    const one = moves.filter((m) => m.writes === 1 && m.writesToEvent === 1);
    const onlyTouched = moves.filter((m) => m.untouched.length === 0);
    const untouched = [...new Set(moves.flatMap((m) => m.untouched))];
    const touched = [...new Set(moves.flatMap((m) => m.touched))];
    const perMove = (xs) => [...new Set(xs)].join('/');
    rows.push(
      row(
        `Calendar: requests per move (${moves.length} moves of one event between Monday and Tuesday of a week)`,
        `writes ${perMove(moves.map((m) => m.writes))} (PATCH of the event ${perMove(moves.map((m) => m.writesToEvent))}); ` +
          `GETs of touched keys ${perMove(moves.map((m) => m.touched.length))} (${touched.join(', ') || 'none'}); ` +
          `GETs of keys that do not hold the event ${perMove(moves.map((m) => m.untouched.length))}${untouched.length ? ` (${untouched.join(', ')})` : ''}`,
        '1 write + refetches of the touched keys only',
        moves.length ? verdict(one.length === moves.length && onlyTouched.length === moves.length) : 'NOT MEASURED',
        '',
        onlyTouched.length < moves.length
          ? 'every cached range is refetched after a move, also the neighbouring weeks that never held the event'
          : '',
      ),
    );
    if (!d.serverMatches) rows.push(row('Calendar: server after the drops', 'the server holds other times than the screen', 'screen == server', 'FAIL'));
  } else {
    rows.push(row('Calendar: drop → painted', 'n/a', 'p95 ≤ 8 ms', 'NOT MEASURED', '', d?.error || 'no data'));
  }
  const n = c.nextWeek;
  if (n && !n.error) {
    rows.push(
      row(
        `Calendar: "Next week" → its prefetched events painted (${n.dom.n} steps, ${n.eventsPerWeek} events a week)`,
        `DOM: median ${ms(n.dom.median)}, p95 ${ms(n.dom.p95)}; next animation frame p95 ${ms(n.frame.p95)}; ` +
          `${n.fetchedOnArrival} of ${n.steps.length} weeks asked the server on arrival`,
        '≤ 16 ms',
        n.dom.n ? verdict(n.dom.p95 <= 16 && n.fetchedOnArrival === 0) : 'NOT MEASURED',
      ),
    );
  } else {
    rows.push(row('Calendar: "Next week"', 'n/a', '≤ 16 ms', 'NOT MEASURED', '', n?.error || 'no data'));
  }
  const m = c.month;
  if (m && !m.error) {
    const l = m.loads[0] || {};
    rows.push(
      row(
        `Calendar: month with ${m.events} events, first render (${m.frame.n} cold loads)`,
        `navigation → first events' frame median ${ms(m.frame.median)}, p95 ${ms(m.frame.p95)}; ` +
          `range answer (${((l.rangeBytes ?? 0) / 1000).toFixed(0)} kB) → events in the DOM median ${ms(m.afterData.median)}; ` +
          `${l.links} event links and ${l.more} "+N more", ${l.elements} elements`,
        '(no target)',
        'INFO',
      ),
    );
  } else {
    rows.push(row('Calendar: 1,000-event month', 'n/a', '(no target)', 'NOT MEASURED', '', m?.error || 'no data'));
  }
  rows.push(scaleRow(c.scale, { row, verdict, ms }));
  return rows;
}

/** Largest slow-down a week or month may show with 100,000 events against 100 ("as fast"). */
const SCALE_RATIO = 1.25;

/** Week and month cold loads with 100,000 events in the database against 100. */
function scaleRow(s, { row, verdict, ms }) {
  const name = 'Calendar: week and month open with 100,000 events in the database vs 100';
  if (!s || s.error) return row(name, 'n/a', `≤ ${SCALE_RATIO} × the 100-event figure`, 'NOT MEASURED', '', s?.error || 'no data');
  const ratio = (v) => v.big.frame.median / v.small.frame.median;
  const part = (label, v) =>
    `${label}: median ${ms(v.big.frame.median)} vs ${ms(v.small.frame.median)} (×${ratio(v).toFixed(2)}), ` +
    `range answer's server time median ${ms(v.big.server.median)} vs ${ms(v.small.server.median)}`;
  const ok = s.week.big.frame.n && s.month.big.frame.n && ratio(s.week) <= SCALE_RATIO && ratio(s.month) <= SCALE_RATIO;
  return row(
    `${name} (${s.shown} events shown, ${s.week.big.frame.n} cold loads of each)`,
    `navigation → all shown events' frame; ${part('week', s.week)}; ${part('month', s.month)}`,
    `≤ ${SCALE_RATIO} × the 100-event figure`,
    s.week.big.frame.n ? verdict(ok) : 'NOT MEASURED',
    '',
    'the same events in a week of 2033 on both; the other events are in 2027',
  );
}

/** How the calendar rows are measured (one bullet of "How each figure is measured"). */
export const CALENDAR_METHOD =
  '- **Calendar** (slow server, en-US, UTC, weeks of 2031–2032 that hold only the bench\'s events): a capture-phase `pointerup` ' +
  '(or the `Enter` that drops a keyboard pick-up) stamps `performance.now()`; a MutationObserver stamps the first moment the ' +
  'event\'s link stands in the target day\'s group, no longer picked up, at the new top (1 h lower, one day later, and back), then the ' +
  'next animation frame; 300 ms later it must still be there (the PATCH is held 1000 ms). Requests: `page.on(\'request\')` from the drop ' +
  'until the network is quiet; a GET is of a touched key when it is the event or a range holding its old or new times. "Next week": a ' +
  'click listener stamps the click, the observer waits for all 20 events of the next week (whose range was prefetched). Month: 1,000 ' +
  'events on days 1–28 of May 2032, a fresh context per load (one warm-up), navigation start → the frame after the first event link. ' +
  'Scale: two plain servers, one database seeded with 100 events and one with 100,000 (all in 2027), the same 20 events created in ' +
  'the week of 6 March 2033 on both; cold loads (fresh context, one warm-up round) of that week and of March 2033, the servers ' +
  'interleaved and alternating which goes first, navigation start → the frame after all 20 are painted; the server time is ' +
  "Resource Timing's `responseStart − requestStart` of the shown range's request.";
