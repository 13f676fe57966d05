// The dashboard: one page, no build step. It reads what the server's API answers for the token's
// principal (the report is governed like the system tables it comes from) and draws it with
// Chart.js, loaded beside this file from the chart.js package the server depends on.
/* global Chart */

const $ = (selector) => document.querySelector(selector);
const charts = new Map();
const PALETTE = ["#2f6fde", "#e0703a", "#2a9d6f", "#a347c2", "#c9a227", "#5b6b82"];

function draw(canvas, config) {
  charts.get(canvas.id)?.destroy();
  const chart = new Chart(canvas, {
    ...config,
    options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options },
  });
  charts.set(canvas.id, chart);
  return chart;
}

async function api(path) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${$("#token").value.trim()}` } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.message ?? `${response.status} ${response.statusText}`);
  return body;
}

function say(text, isError = false) {
  $("#message").textContent = text;
  $("#message").className = isError ? "error" : "";
}

async function loadFunctions() {
  const { endpoints } = await api("/api/2.0/serving-endpoints");
  const select = $("#function");
  const chosen = select.value || new URLSearchParams(location.search).get("function");
  select.replaceChildren(
    ...endpoints.map(
      (endpoint) => new Option(endpoint.function, endpoint.function, false, endpoint.function === chosen),
    ),
  );
  if (endpoints.length === 0) throw new Error("This principal may execute no prediction function.");
}

function bucketLabel(iso, bucket) {
  return bucket === "day" ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

function renderScoring(report, bucket) {
  const starts = [...new Set(report.scoring.map((entry) => entry.start))].sort();
  const versions = [...new Set(report.scoring.map((entry) => entry.modelVersion))];
  draw($("#scoring-chart"), {
    type: "bar",
    data: {
      labels: starts.map((start) => bucketLabel(start, bucket)),
      datasets: versions.map((version, index) => ({
        label: version === null ? "run artifact" : `version ${version}`,
        backgroundColor: PALETTE[index % PALETTE.length],
        data: starts.map(
          (start) =>
            report.scoring.find((entry) => entry.start === start && entry.modelVersion === version)?.rows ??
            0,
        ),
      })),
    },
    options: {
      scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: "rows scored" } } },
    },
  });
  const total = (key) => report.scoring.reduce((sum, entry) => sum + entry[key], 0);
  $("[data-testid=total-rows]").textContent = total("rows").toLocaleString("en-US");
  $("[data-testid=total-statements]").textContent = total("statements").toLocaleString("en-US");
  $("[data-testid=versions]").textContent = versions.map((version) => version ?? "run").join(", ") || "none";
  $("[data-testid=sampled-rows]").textContent = report.sampledRows.toLocaleString("en-US");
}

function renderPredictions(report) {
  draw($("#predictions-chart"), {
    type: "bar",
    data: {
      labels: report.predictions.map((bin) => bin.label),
      datasets: [
        {
          label: "share of scored rows",
          backgroundColor: PALETTE[0],
          data: report.predictions.map((bin) => bin.share),
        },
      ],
    },
    options: { scales: { y: { min: 0, ticks: { format: { style: "percent" } } } } },
  });
}

function renderDrift(report) {
  const body = $("#drift-table tbody");
  const featureCharts = $("#feature-charts");
  body.replaceChildren();
  featureCharts.replaceChildren();
  if (!report.drift) {
    $("#baseline-caption").textContent =
      `(none: set one with modelsql monitor ${report.functionName} --baseline-query "...")`;
    charts.get("psi-chart")?.destroy();
    return;
  }
  const { baseline, features } = report.drift;
  $("#baseline-caption").textContent =
    `(${baseline.rowCount.toLocaleString("en-US")} rows, ${baseline.createdAt})`;
  const sorted = [...features].sort((a, b) => (b.psi ?? 0) - (a.psi ?? 0));
  draw($("#psi-chart"), {
    type: "bar",
    data: {
      labels: sorted.map((feature) => feature.feature),
      datasets: [
        {
          label: "population stability index",
          backgroundColor: sorted.map((feature) =>
            feature.level === "significant"
              ? "#b00020"
              : feature.level === "moderate"
                ? "#e0a030"
                : PALETTE[2],
          ),
          data: sorted.map((feature) => feature.psi ?? 0),
        },
      ],
    },
    options: { indexAxis: "y", scales: { y: { ticks: { autoSkip: false } } } },
  });
  for (const feature of sorted) {
    const row = body.insertRow();
    row.dataset.feature = feature.feature;
    row.insertCell().textContent = feature.feature;
    row.insertCell().textContent = feature.psi === null ? "-" : feature.psi.toFixed(4);
    const level = row.insertCell();
    level.textContent = feature.level;
    level.className = `level-${feature.level}`;
    const figure = document.createElement("figure");
    const caption = document.createElement("figcaption");
    caption.textContent = `${feature.feature}: PSI ${feature.psi === null ? "-" : feature.psi.toFixed(3)}`;
    const holder = document.createElement("div");
    holder.className = "chart";
    const canvas = document.createElement("canvas");
    canvas.id = `feature-${feature.feature}`;
    holder.append(canvas);
    figure.append(caption, holder);
    featureCharts.append(figure);
    const share = (values) => {
      const sum = values.reduce((total, value) => total + value, 0);
      return values.map((value) => (sum === 0 ? 0 : value / sum));
    };
    draw(canvas, {
      type: "bar",
      data: {
        labels: feature.bins.map((bin) => bin.label),
        datasets: [
          {
            label: "baseline",
            backgroundColor: PALETTE[5],
            data: share(feature.bins.map((bin) => bin.baseline)),
          },
          {
            label: "scored",
            backgroundColor: PALETTE[0],
            data: share(feature.bins.map((bin) => bin.scored)),
          },
        ],
      },
      options: {
        plugins: { legend: { position: "bottom" } },
        scales: { x: { ticks: { autoSkip: true, maxRotation: 45 } } },
      },
    });
  }
}

async function show() {
  const name = $("#function").value;
  const params = new URLSearchParams({ bucket: $("#bucket").value });
  if ($("#since").value) params.set("since", $("#since").value);
  say(`Loading ${name}...`);
  const report = await api(`/api/2.0/modelsql/monitor/${encodeURIComponent(name)}?${params}`);
  $("#report").hidden = false;
  renderScoring(report, $("#bucket").value);
  renderPredictions(report);
  renderDrift(report);
  say(
    `${report.functionName}${report.since ? ` since ${report.since}` : ""}, as of ${new Date().toISOString()}`,
  );
  document.body.dataset.loaded = name;
}

$("#controls").addEventListener("submit", async (event) => {
  event.preventDefault();
  sessionStorage.setItem("modelsql-token", $("#token").value.trim());
  try {
    if ($("#function").options.length === 0) await loadFunctions();
    await show();
  } catch (error) {
    say(error.message, true);
  }
});
$("#function").addEventListener("change", () => $("#controls").requestSubmit());

const saved = sessionStorage.getItem("modelsql-token");
if (saved) {
  $("#token").value = saved;
  $("#controls").requestSubmit();
}
