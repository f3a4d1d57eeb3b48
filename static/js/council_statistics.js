// Charts of the secretariat's regional statistics page (Chart.js, vendored under static/vendor/chartjs).
(function () {
  "use strict";
  var source = document.getElementById("council-chart-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var colors = ["#0d6efd", "#dc3545", "#fd7e14", "#6c757d"];

  new Chart(document.getElementById("chart-areas"), {
    type: "doughnut",
    data: {labels: data.areas.labels, datasets: [{data: data.areas.workers, backgroundColor: colors}]},
    options: {plugins: {title: {display: true, text: data.titles.areas}}}
  });

  new Chart(document.getElementById("chart-trend"), {
    type: "line",
    data: {
      labels: data.trend.labels,
      datasets: Object.keys(data.trend.series).map(function (area, index) {
        return {label: area, data: data.trend.series[area], borderColor: colors[index % colors.length], fill: false};
      })
    },
    options: {plugins: {title: {display: true, text: data.titles.trend}}}
  });

  new Chart(document.getElementById("chart-prefectures"), {
    type: "bar",
    data: {
      labels: data.prefectures.labels,
      datasets: [
        {label: data.titles.workers, data: data.prefectures.workers, backgroundColor: colors[0]},
        {label: data.titles.employers, data: data.prefectures.employers, backgroundColor: colors[3]}
      ]
    },
    options: {aspectRatio: 3, plugins: {title: {display: true, text: data.titles.prefectures}}}
  });
})();
