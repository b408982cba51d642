// The statistics page (Rules §31е): draws each chart from its JSON (/api/v1/statistics/<chart>) with
// ECharts' SVG renderer, and the map of the five member states coloured by the chosen figure.
// Every container gets data-ready="true" once drawn ("error" when its figures could not be loaded).
(function () {
  "use strict";

  const labels = JSON.parse(document.getElementById("statistics-labels").textContent);
  const charts = [];
  // ISO 3166-1 numeric ids of world-atlas → the alpha-2 codes the figures use.
  const MEMBER_STATES = { "051": "AM", "112": "BY", "398": "KZ", "417": "KG", "643": "RU" };
  const COLORS = { morbidity: "#c2410c", dangerous_product: "#1d4ed8", on_time: "#15803d", late: "#b91c1c" };
  const STATE_COLORS = { AM: "#b45309", BY: "#15803d", KZ: "#0e7490", KG: "#b91c1c", RU: "#1d4ed8" };
  const TOP = 20; // bars shown on the disease and product charts (the CSV has every row)

  async function load(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(url + ": HTTP " + response.status);
    return response.json();
  }

  function instance(el) {
    let chart = echarts.getInstanceByDom(el);
    if (!chart) {
      chart = echarts.init(el, null, { renderer: "svg" });
      charts.push(chart);
    }
    return chart;
  }

  function draw(el, option) {
    const chart = instance(el);
    chart.setOption(option, { notMerge: true });
    el.dataset.ready = "true";
  }

  function failed(el, error) {
    console.error(error);
    el.textContent = labels.failed;
    el.dataset.ready = "error";
  }

  function empty(rows, fields) {
    return !rows.some((row) => fields.some((f) => row[f]));
  }

  function noData(isEmpty) {
    return isEmpty
      ? { text: labels.no_data, left: "center", top: "middle", textStyle: { color: "#6b7280", fontSize: 14, fontWeight: "normal" } }
      : undefined;
  }

  function monthAxis(rows) {
    return { type: "category", data: rows.map((r) => r.month) };
  }

  function zoom(count) {
    return count > 36 ? [{ type: "inside" }, { type: "slider", height: 18, bottom: 4 }] : [];
  }

  // The kinds a chart counts: a column is null for a kind left out by the filter.
  function kinds(rows) {
    return ["morbidity", "dangerous_product"].filter((k) => rows.length === 0 || rows[0][k] !== null);
  }

  const BUILDERS = {
    "cases-by-month"(data) {
      const rows = data.rows;
      const counted = kinds(rows);
      return {
        title: noData(empty(rows, counted)),
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 48, right: 16, top: 32, bottom: rows.length > 36 ? 56 : 32 },
        xAxis: monthAxis(rows),
        yAxis: { type: "value", minInterval: 1 },
        dataZoom: zoom(rows.length),
        series: counted.map((k) => ({
          name: labels[k], type: "bar", stack: "cases", color: COLORS[k], data: rows.map((r) => r[k]),
        })),
      };
    },
    "cases-by-country"(data) {
      const rows = data.rows;
      const counted = kinds(rows);
      return {
        title: noData(empty(rows, counted)),
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 48, right: 16, top: 32, bottom: 32 },
        xAxis: { type: "category", data: rows.map((r) => r.country_name) },
        yAxis: { type: "value", minInterval: 1 },
        series: counted.map((k) => ({
          name: labels[k], type: "bar", color: COLORS[k], data: rows.map((r) => r[k]),
        })),
      };
    },
    "cases-by-disease"(data) {
      return ranking(data.rows.slice(0, TOP), (r) => r.disease_code, (r) => r.disease_name, COLORS.morbidity);
    },
    "cases-by-hazard"(data) {
      return ranking(data.rows.slice(0, TOP), (r) => r.product_type_code, (r) => r.product_type_name, COLORS.dangerous_product);
    },
    "measures-in-force"(data) {
      const rows = data.rows;
      const states = Object.keys(STATE_COLORS).filter((c) => rows.length === 0 || rows[0][c] !== null);
      return {
        title: noData(empty(rows, states)),
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 48, right: 16, top: 32, bottom: rows.length > 36 ? 56 : 32 },
        xAxis: monthAxis(rows),
        yAxis: { type: "value", minInterval: 1 },
        dataZoom: zoom(rows.length),
        series: states.map((c) => ({
          name: labels.countries[c] || c, type: "line", step: "end", showSymbol: rows.length <= 36,
          color: STATE_COLORS[c], data: rows.map((r) => r[c]),
        })),
      };
    },
    "late-notices"(data) {
      const byMonth = new Map();
      for (const r of data.rows) {
        const sums = byMonth.get(r.month) || { month: r.month, on_time: 0, late: 0 };
        sums.on_time += r.on_time;
        sums.late += r.late;
        byMonth.set(r.month, sums);
      }
      const rows = [...byMonth.values()];
      return {
        title: noData(empty(rows, ["on_time", "late"])),
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 48, right: 16, top: 32, bottom: rows.length > 36 ? 56 : 32 },
        xAxis: monthAxis(rows),
        yAxis: { type: "value", minInterval: 1 },
        dataZoom: zoom(rows.length),
        series: ["on_time", "late"].map((k) => ({
          name: labels[k], type: "bar", stack: "notices", color: COLORS[k], data: rows.map((r) => r[k]),
        })),
      };
    },
  };

  // Horizontal bars, most cases on top: "code name", the open cases in the tooltip.
  function ranking(rows, code, name, color) {
    const ordered = rows.slice().reverse();
    const label = (r) => (code(r) ? [code(r), name(r)].filter(Boolean).join(" ") : labels.not_stated);
    return {
      title: noData(rows.length === 0),
      tooltip: {
        trigger: "item",
        formatter: (p) => {
          const r = ordered[p.dataIndex];
          return `${echarts.format.encodeHTML(label(r))}<br>${labels.cases}: ${r.cases}, ${labels.open}: ${r.open}`;
        },
      },
      grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category", data: ordered.map(label),
        axisLabel: { width: 260, overflow: "truncate" },
      },
      series: [{ name: labels.cases, type: "bar", color, barMaxWidth: 28, data: ordered.map((r) => r.cases) }],
    };
  }

  async function drawChart(el) {
    try {
      const data = await load(el.dataset.source);
      draw(el, BUILDERS[el.dataset.chart](data));
    } catch (error) {
      failed(el, error);
    }
  }

  // --- the map ---------------------------------------------------------------------------------
  // Chukotka lies across the antimeridian: its western-hemisphere parts are moved east of 180°, so
  // Russia is drawn in one piece instead of stretching the map over the whole world.
  function eastward(coordinates) {
    if (typeof coordinates[0] === "number") {
      return coordinates[0] < -100 ? [coordinates[0] + 360, coordinates[1]] : coordinates;
    }
    return coordinates.map(eastward);
  }

  async function registerMemberStates() {
    const topology = await load("/static/vendor/countries-50m.json");
    const world = topojson.feature(topology, topology.objects.countries);
    const features = world.features
      .filter((f) => f.id in MEMBER_STATES)
      .map((f) => ({
        type: "Feature",
        id: MEMBER_STATES[f.id],
        properties: { name: MEMBER_STATES[f.id] },
        geometry: { type: f.geometry.type, coordinates: eastward(f.geometry.coordinates) },
      }));
    echarts.registerMap("eaeu", { type: "FeatureCollection", features });
  }

  function mapOption(data, figure) {
    const values = data.rows.map((r) => r.value);
    const max = Math.max(1, ...values);
    const title = labels.figures[figure];
    const named = (code) => labels.countries[code] || code;
    return {
      tooltip: { trigger: "item", formatter: (p) => `${named(p.name)}<br>${title}: ${Number.isFinite(p.value) ? p.value : 0}` },
      visualMap: {
        type: "continuous", min: 0, max, calculable: true, left: 8, bottom: 8,
        inRange: { color: ["#e0ecf4", "#6baed6", "#08306b"] },
      },
      series: [
        {
          name: title, type: "map", map: "eaeu", roam: true, aspectScale: 0.6,
          label: {
            show: true, formatter: (p) => `${named(p.name)}\n${Number.isFinite(p.value) ? p.value : 0}`,
            fontSize: 11, lineHeight: 14, color: "#111827", textBorderColor: "#ffffff", textBorderWidth: 3,
          },
          emphasis: { label: { show: true }, itemStyle: { areaColor: "#fbbf24" } },
          data: data.rows.map((r) => ({ name: r.country, value: r.value })),
        },
      ],
    };
  }

  async function drawMap(el, select, csv) {
    const figure = select.value;
    const source = new URL(el.dataset.source, window.location.href);
    source.searchParams.set("figure", figure);
    const download = new URL(csv.getAttribute("href"), window.location.href);
    download.searchParams.set("figure", figure);
    csv.setAttribute("href", download.pathname + download.search);
    el.dataset.ready = "false";
    try {
      const data = await load(source.pathname + source.search);
      draw(el, mapOption(data, figure));
      el.dataset.figure = figure;
    } catch (error) {
      failed(el, error);
    }
  }

  async function start() {
    for (const el of document.querySelectorAll("[data-chart]")) drawChart(el);
    const map = document.getElementById("map");
    const select = document.getElementById("map-figure");
    const csv = document.getElementById("csv-map");
    if (map) {
      try {
        await registerMemberStates();
      } catch (error) {
        failed(map, error);
        return;
      }
      await drawMap(map, select, csv);
      select.addEventListener("change", () => drawMap(map, select, csv));
    }
  }

  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
  start();
})();
