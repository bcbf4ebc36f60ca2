// Bar charts drawn from the accessible tables next to them (the table is the source; the chart is decoration,
// hidden from assistive technology). <canvas data-chart-for="table-id" data-chart-columns="1,2">
(function () {
  "use strict";
  const COLOURS = ["#1f5f99", "#2e7d32", "#b45309", "#6b21a8"];

  function draw(canvas) {
    const table = document.getElementById(canvas.dataset.chartFor);
    if (!table || typeof Chart === "undefined") return;
    const columns = canvas.dataset.chartColumns.split(",").map(Number);
    const headers = Array.from(table.tHead.rows[0].cells).map((c) => c.textContent.trim());
    const rows = Array.from(table.tBodies[0].rows).filter((r) => r.cells.length > columns[columns.length - 1]);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map((r) => r.cells[0].textContent.trim()),
        datasets: columns.map((index, n) => ({
          label: headers[index],
          backgroundColor: COLOURS[n % COLOURS.length],
          data: rows.map((r) => Number(r.cells[index].dataset.value || 0)),
        })),
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("canvas[data-chart-for]").forEach(draw);
  });
})();
