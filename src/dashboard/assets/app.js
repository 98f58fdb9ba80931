// Progressive enhancement only: every page works without this file.
(() => {
  document.documentElement.classList.add('js');

  // Live refresh of a table body is paused while its search field holds text not yet submitted.
  document.addEventListener('htmx:beforeRequest', (event) => {
    const source = event.detail?.elt;
    if (!(source instanceof HTMLElement) || !source.dataset.pauseWhenTyped) return;
    const field = document.getElementById(source.dataset.pauseWhenTyped);
    if (field && field.value !== field.defaultValue) event.preventDefault();
  });

  function drawCharts(root) {
    if (typeof uPlot === 'undefined') return;
    for (const holder of root.querySelectorAll('[data-chart]')) {
      if (holder.dataset.drawn) continue;
      const source = document.getElementById(holder.dataset.chart);
      if (!source) continue;
      const data = JSON.parse(source.textContent);
      const palette = ['#1d7a46', '#b3261e', '#9a6200', '#2457c5', '#6b3fa0', '#5b6475'];
      const width = Math.max(280, holder.clientWidth || 320);
      holder.dataset.drawn = '1';
      new uPlot(
        {
          title: data.title,
          width,
          height: 220,
          scales: { x: { time: true } },
          axes: [{}, { label: data.unit }],
          series: [
            {},
            ...data.series.map((s, i) => ({
              label: s.label,
              stroke: palette[i % palette.length],
              width: 2,
              // Sparse series (a quiet hour) would draw nothing without their points.
              points: { show: true, size: 5 },
            })),
          ],
        },
        [data.x, ...data.series.map((s) => s.values)],
        holder,
      );
      holder.closest('figure')?.classList.add('drawn');
    }
  }

  document.addEventListener('DOMContentLoaded', () => drawCharts(document));
  document.addEventListener('htmx:afterSettle', (event) => drawCharts(event.target));
})();
