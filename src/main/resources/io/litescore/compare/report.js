/* litescore compare report: builds the page from the JSON in #litescore-data with Apache ECharts (SVG renderer). */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('litescore-data').textContent);
  var models = data.models;
  var charts = [];
  var PALETTE = ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];

  function esc(s) {
    return String(s === null || s === undefined ? '' : s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }
  function isNum(v) { return typeof v === 'number' && isFinite(v); }
  function pct(v, digits) { return isNum(v) ? (100 * v).toFixed(digits === undefined ? 2 : digits) + '%' : '\u2013'; }
  function fixed(v, digits) { return isNum(v) ? v.toFixed(digits) : '\u2013'; }
  function count(v) { return isNum(v) ? v.toLocaleString('en-US') : '\u2013'; }
  function params(v) {
    if (!isNum(v)) { return '\u2013'; }
    if (v >= 1e6) { return (v / 1e6).toFixed(2) + ' M'; }
    if (v >= 1e3) { return (v / 1e3).toFixed(1) + ' k'; }
    return String(v);
  }
  function bytes(v) {
    if (!isNum(v)) { return '\u2013'; }
    if (v >= 1048576) { return (v / 1048576).toFixed(2) + ' MiB'; }
    if (v >= 1024) { return (v / 1024).toFixed(1) + ' KiB'; }
    return v + ' B';
  }
  function el(tag, cls, html) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (html !== undefined) { e.innerHTML = html; }
    return e;
  }
  function empty(container, text) {
    container.classList.remove('chart');
    container.appendChild(el('p', 'empty', esc(text)));
  }
  function chart(container, height, option) {
    container.style.height = height + 'px';
    var c = echarts.init(container, null, {renderer: 'svg'});
    option.animation = false;
    c.setOption(option);
    charts.push(c);
    return c;
  }

  document.getElementById('subtitle').textContent = models.length + ' model' + (models.length === 1 ? '' : 's')
      + ' from ' + data.runs.length + ' run' + (data.runs.length === 1 ? '' : 's') + ' (' + data.runs.map(function (r) {
        return r.runId;
      }).join(', ') + '), dataset ' + Array.from(new Set(data.runs.map(function (r) { return r.dataset; }))).join(', ');

  // (a) The comparison table, sortable.
  var COLUMNS = [
    {key: 'key', title: 'model', text: true, fmt: function (m) {
      return (m.pareto_front ? '<span class="star" title="on the Pareto front">\u2605</span> ' : '') + esc(m.key);
    }},
    {key: 'top1', title: 'top-1', rank: 'rank_top1', fmt: function (m) { return pct(m.top1); }},
    {key: 'top5', title: 'top-5', rank: 'rank_top5', fmt: function (m) { return pct(m.top5); }},
    {key: 'mean_class_accuracy', title: 'mean class acc.', rank: 'rank_mean_class_accuracy',
      fmt: function (m) { return pct(m.mean_class_accuracy); }},
    {key: 'images_per_second', title: 'images/s', rank: 'rank_images_per_second',
      fmt: function (m) { return fixed(m.images_per_second, 1); }},
    {key: 'ms_per_image', title: 'ms/image', fmt: function (m) { return fixed(m.ms_per_image, 2); }},
    {key: 'params', title: 'params', rank: 'rank_params', fmt: function (m) { return params(m.params); }},
    {key: 'model_bytes', title: 'size', rank: 'rank_model_bytes', fmt: function (m) { return bytes(m.model_bytes); }},
    {key: 'images', title: 'images', fmt: function (m) { return count(m.images); }},
    {key: 'failed', title: 'failed', fmt: function (m) { return count(m.failed); }},
    {key: 'batch_size', title: 'batch', fmt: function (m) { return count(m.batch_size); }},
    {key: 'model_sha256', title: 'sha256', text: true, fmt: function (m) {
      return m.model_sha256 ? '<code title="' + esc(m.model_sha256) + '">' + esc(m.model_sha256.substring(0, 12))
          + '\u2026</code>' : '\u2013';
    }}
  ];
  models.forEach(function (m) {
    m.ms_per_image = isNum(m.images_per_second) && m.images_per_second > 0 ? 1000 / m.images_per_second : null;
  });
  var table = document.getElementById('comparison');
  var sort = {key: 'top1', dir: -1};
  function renderTable() {
    var head = '<thead><tr>' + COLUMNS.map(function (c) {
      var state = c.key === sort.key ? (sort.dir > 0 ? 'ascending' : 'descending') : 'none';
      return '<th class="' + (c.text ? 'text' : '') + '" aria-sort="' + state + '"><button type="button" data-key="'
          + c.key + '">' + esc(c.title) + '</button></th>';
    }).join('') + '</tr></thead>';
    var rows = models.slice().sort(function (a, b) {
      var x = a[sort.key];
      var y = b[sort.key];
      var xn = x === null || x === undefined;
      var yn = y === null || y === undefined;
      if (xn || yn) { return xn === yn ? 0 : (xn ? 1 : -1); }
      if (typeof x === 'string') { return sort.dir * x.localeCompare(y); }
      return sort.dir * (x - y);
    });
    var body = '<tbody>' + rows.map(function (m) {
      return '<tr>' + COLUMNS.map(function (c) {
        var cls = [];
        if (c.text) { cls.push('text'); }
        if (c.rank && m[c.rank] === 1 && models.length > 1) { cls.push('best'); }
        var rank = c.rank && isNum(m[c.rank]) ? '<span class="rank">#' + m[c.rank] + '</span>' : '';
        return '<td class="' + cls.join(' ') + '">' + c.fmt(m) + rank + '</td>';
      }).join('') + '</tr>';
    }).join('') + '</tbody>';
    table.innerHTML = head + body;
  }
  table.addEventListener('click', function (e) {
    var button = e.target.closest('button[data-key]');
    if (!button) { return; }
    var key = button.getAttribute('data-key');
    var col = COLUMNS.filter(function (c) { return c.key === key; })[0];
    sort = key === sort.key ? {key: key, dir: -sort.dir} : {key: key, dir: col.text ? 1 : -1};
    renderTable();
  });
  renderTable();

  // (b) Accuracy vs images per second, Pareto front marked.
  (function () {
    var box = document.getElementById('chart-pareto');
    var pts = models.filter(function (m) { return isNum(m.top1) && isNum(m.images_per_second) && m.images_per_second > 0; });
    if (pts.length === 0) {
      empty(box, 'No model has a top-1 accuracy (no labelled image was scored), so there is nothing to plot.');
      return;
    }
    var maxParams = Math.max.apply(null, pts.map(function (m) { return isNum(m.params) ? m.params : 0; }));
    var speeds = pts.map(function (m) { return m.images_per_second; });
    var logX = Math.max.apply(null, speeds) / Math.min.apply(null, speeds) > 20;
    // Room around the points for their labels: 12% of the range on each side (at least half a point).
    function padded(values, floorAtZero) {
      var lo = Math.min.apply(null, values);
      var hi = Math.max.apply(null, values);
      var pad = Math.max(0.5, 0.12 * (hi - lo));
      return {min: floorAtZero ? Math.max(0, Math.floor(lo - pad)) : Math.floor(lo - pad), max: Math.ceil(hi + pad)};
    }
    var yRange = padded(pts.map(function (m) { return 100 * m.top1; }), true);
    yRange.max = Math.min(100, yRange.max);
    function point(m) {
      return {
        value: [m.images_per_second, 100 * m.top1],
        name: m.key,
        symbolSize: maxParams > 0 && isNum(m.params) ? 10 + 22 * Math.sqrt(m.params / maxParams) : 14,
        tip: '<b>' + esc(m.key) + '</b><br>top-1 ' + pct(m.top1) + ', top-5 ' + pct(m.top5) + '<br>'
            + fixed(m.images_per_second, 1) + ' images/s (' + fixed(m.ms_per_image, 2) + ' ms/image)<br>params '
            + params(m.params) + ', size ' + bytes(m.model_bytes) + (m.pareto_front ? '<br>on the Pareto front' : '')
      };
    }
    var front = pts.filter(function (m) { return m.pareto_front; })
        .sort(function (a, b) { return a.images_per_second - b.images_per_second; });
    var label = {show: true, position: 'top', formatter: function (p) { return p.name; }, fontSize: 12};
    chart(box, 460, {
      color: ['#0b63c4', '#0b63c4', '#8c959f'],
      legend: {top: 8, data: ['Pareto front', 'on the front', 'dominated']},
      grid: {left: 80, right: 60, top: 56, bottom: 64},
      tooltip: {trigger: 'item', formatter: function (p) { return p.data && p.data.tip ? p.data.tip : ''; }},
      xAxis: {type: logX ? 'log' : 'value', name: 'images / s' + (logX ? ' (log scale)' : ''), nameLocation: 'middle',
        nameGap: 34, scale: true, boundaryGap: ['15%', '15%'], splitLine: {lineStyle: {type: 'dotted'}}},
      yAxis: {type: 'value', name: 'top-1 accuracy (%)', nameLocation: 'middle', nameGap: 52, scale: true,
        min: yRange.min, max: yRange.max, splitLine: {lineStyle: {type: 'dotted'}}},
      series: [
        {name: 'Pareto front', type: 'line', silent: true, symbol: 'none', z: 1,
          lineStyle: {type: 'dashed', width: 2}, data: front.map(function (m) { return [m.images_per_second, 100 * m.top1]; })},
        {name: 'on the front', type: 'scatter', z: 3, label: label, itemStyle: {opacity: 0.9},
          data: front.map(point)},
        {name: 'dominated', type: 'scatter', z: 2, label: label, itemStyle: {opacity: 0.8},
          data: pts.filter(function (m) { return !m.pareto_front; }).map(point)}
      ]
    });
  })();

  // (c) Per-class accuracy heatmap, models x classes.
  (function () {
    var box = document.getElementById('chart-classes');
    var classes = data.classes;
    var cells = [];
    var support = {};
    data.classAccuracy.forEach(function (c) {
      if (isNum(c.accuracy)) { cells.push([c.classIndex, c.modelIndex, 100 * c.accuracy, c.support]); }
    });
    if (cells.length === 0) {
      empty(box, 'No per-class accuracy: no labelled image was scored.');
      return;
    }
    if (data.classesShown < data.classesTotal) {
      box.parentNode.querySelector('.note').textContent += ' Showing the ' + data.classesShown + ' of '
          + data.classesTotal + ' classes with the lowest mean accuracy.';
    }
    var low = Math.min.apply(null, cells.map(function (c) { return c[2]; }));
    var longest = Math.max.apply(null, models.map(function (m) { return m.key.length; }));
    chart(box, 150 + 34 * models.length, {
      grid: {left: Math.min(340, 24 + 7 * longest), right: 30, top: 16, bottom: 120},
      tooltip: {position: 'top', formatter: function (p) {
        return '<b>' + esc(models[p.data[1]].key) + '</b><br>' + esc(classes[p.data[0]]) + ': '
            + p.data[2].toFixed(1) + '% of ' + count(p.data[3]) + ' images';
      }},
      xAxis: {type: 'category', data: classes, axisLabel: {rotate: 40, interval: 0}, splitArea: {show: true}},
      yAxis: {type: 'category', data: models.map(function (m) { return m.key; }), inverse: true, splitArea: {show: true}},
      visualMap: {dimension: 2, min: Math.floor(low), max: 100, calculable: false, orient: 'horizontal', left: 'center', bottom: 4,
        itemHeight: 240, precision: 0, text: ['100%', Math.floor(low) + '%'], inRange: {color: ['#d73027', '#fee08b', '#1a9850']}},
      series: [{type: 'heatmap', data: cells, label: {show: cells.length <= 600, fontSize: 11,
        formatter: function (p) { return p.data[2].toFixed(0); }}, itemStyle: {borderColor: '#fff', borderWidth: 1}}]
    });
  })();

  // (d) A confusion matrix per model.
  (function () {
    var grid = document.getElementById('confusion-grid');
    if (data.confusion.length === 0) {
      empty(grid, 'No confusion matrix: no labelled image was scored.');
      return;
    }
    data.confusion.forEach(function (cm, i) {
      var n = cm.classes.length;
      var cells = [];
      cm.counts.forEach(function (row, t) {
        var total = row.reduce(function (a, b) { return a + b; }, 0);
        row.forEach(function (v, p) {
          var share = total > 0 ? v / total : 0;
          cells.push({value: [p, t, share, v], label: {color: share > 0.55 ? '#ffffff' : '#1f2328'}});
        });
      });
      var fig = el('figure');
      var box = el('div', 'chart chart-confusion');
      box.id = 'chart-confusion-' + i;
      var longest = Math.max.apply(null, cm.classes.map(function (c) { return c.length; }));
      var margin = Math.min(160, 30 + 7 * longest);
      var side = Math.max(200, Math.min(620, 34 * n));
      box.style.width = (side + margin + 60) + 'px';
      fig.appendChild(box);
      var caption = '<strong>' + esc(cm.key) + '</strong> \u2014 top-1 ' + pct(cm.accuracy) + ' over '
          + count(cm.total) + ' labelled images';
      if (cm.classesTotal > n) {
        caption += '; the ' + n + ' of ' + cm.classesTotal + ' classes involved in the most errors';
      }
      fig.appendChild(el('figcaption', null, caption));
      grid.appendChild(fig);
      chart(box, side + margin + 50, {
        grid: {left: margin, right: 20, top: 30, bottom: margin},
        tooltip: {position: 'top', formatter: function (p) {
          var d = p.data.value;
          return 'true <b>' + esc(cm.classes[d[1]]) + '</b>, predicted <b>' + esc(cm.classes[d[0]])
              + '</b>: ' + count(d[3]) + ' (' + (100 * d[2]).toFixed(1) + '% of the row)';
        }},
        xAxis: {type: 'category', data: cm.classes, name: 'predicted', nameLocation: 'middle', nameGap: margin - 14,
          axisLabel: {rotate: 45, interval: 0}, splitArea: {show: false}},
        yAxis: {type: 'category', data: cm.classes, name: 'true', inverse: true, nameLocation: 'middle',
          nameGap: margin - 14, axisLabel: {interval: 0}},
        visualMap: {show: false, min: 0, max: 1, dimension: 2, inRange: {color: PALETTE}},
        series: [{type: 'heatmap', data: cells, itemStyle: {borderColor: '#fff', borderWidth: 1},
          label: {show: n <= 20, fontSize: n <= 12 ? 11 : 9, formatter: function (p) {
            return p.data.value[3] > 0 ? String(p.data.value[3]) : '';
          }}}]
      });
    });
  })();

  // (e) The images most models got wrong, with every model's top-5.
  (function () {
    var gallery = document.getElementById('gallery');
    var note = document.getElementById('misclassified-note');
    if (data.misclassified.length === 0) {
      note.textContent = '';
      empty(gallery, 'No labelled image was misclassified by any model.');
      return;
    }
    note.textContent = 'The ' + data.misclassified.length + ' images misclassified (top-1) by the most models, '
        + 'most first, with the top-5 of every model: the true class in green, a wrong top-1 in red.';
    data.misclassified.forEach(function (img) {
      var card = el('div', 'card');
      var head = el('div', 'head');
      if (img.thumbnail) {
        var im = new Image();
        im.src = img.thumbnail;
        im.alt = img.name;
        im.title = img.path;
        head.appendChild(im);
      } else {
        head.appendChild(el('div', 'noimg', esc(img.thumbnailError || 'no thumbnail')));
      }
      head.appendChild(el('div', 'meta', '<div class="name">' + esc(img.name) + '</div><div>label <b>' + esc(img.label)
          + '</b></div><div><span class="badge">wrong in ' + img.wrong + ' of ' + img.scored + '</span></div>'
          + '<div class="path mono">' + esc(img.path) + '</div>'));
      card.appendChild(head);
      var rows = img.predictions.map(function (p) {
        var cell;
        if (p.error) {
          cell = '<span class="chip wrong">error: ' + esc(p.error) + '</span>';
        } else {
          cell = p.topLabels.map(function (label, k) {
            var cls = label === img.label ? 'chip truth' : (k === 0 ? 'chip wrong' : 'chip');
            return '<span class="' + cls + '">' + esc(label) + ' ' + (100 * p.topProbs[k]).toFixed(1) + '%</span>';
          }).join('');
        }
        return '<tr><td class="m">' + esc(p.key) + '</td><td>' + cell + '</td></tr>';
      });
      card.appendChild(el('table', null, '<tbody>' + rows.join('') + '</tbody>'));
      gallery.appendChild(card);
    });
  })();

  // (f) Run details: dataset, config, versions, failed images.
  (function () {
    var box = document.getElementById('run-details');
    data.runs.forEach(function (r) {
      var div = el('div', 'run');
      var info = r.info || {};
      var kv = [
        ['dataset', esc(r.dataset)],
        ['images', count(r.images)],
        ['models', r.models.map(function (m) {
          return esc(m.model) + (m.source ? ' <span class="mono">' + esc(m.source) + '</span>' : '')
              + (m.model_sha256 ? ' <code>sha256 ' + esc(m.model_sha256) + '</code>' : '');
        }).join('<br>')],
        ['started', esc(info.started_at || r.startedAt || '\u2013')],
        ['finished', esc(info.finished_at || '\u2013')],
        ['litescore', esc(info.litescore_version || 'not recorded')],
        ['Spark', esc(info.spark_version ? info.spark_version + (info.spark_master ? ' (' + info.spark_master + ')' : '')
            : 'not recorded')],
        ['DJL / PyTorch', esc(info.djl_version ? info.djl_version + ' / ' + (info.pytorch_version || '?') : 'not recorded')],
        ['Java', esc(info.java_version || 'not recorded')]
      ];
      var html = '<h3>Run <code>' + esc(r.runId) + '</code></h3><dl class="kv">' + kv.map(function (p) {
        return '<dt>' + p[0] + '</dt><dd>' + p[1] + '</dd>';
      }).join('') + '</dl>';
      if (!r.info) {
        html += '<p class="note">This run recorded no run_info (config and versions): it was written by an older '
            + 'litescore.</p>';
      } else if (info.config) {
        html += '<details><summary>Config (as parsed)</summary><pre>' + esc(JSON.stringify(info.config, null, 2))
            + '</pre></details>';
      }
      var f = r.failures;
      if (f.images === 0) {
        html += '<p>Failed images: none.</p>';
      } else {
        html += '<p>Failed images: <b>' + count(f.images) + '</b> (' + count(f.rows) + ' prediction rows over all '
            + 'models).</p><table class="data"><thead><tr><th class="text">reason</th><th>images</th></tr></thead><tbody>'
            + f.reasons.map(function (x) {
              return '<tr><td class="text">' + esc(x.reason) + '</td><td>' + count(x.images) + '</td></tr>';
            }).join('') + '</tbody></table><details><summary>' + (f.truncated ? 'First ' : 'All ') + f.examples.length
            + ' failed images</summary><pre>' + f.examples.map(function (x) {
              return esc(x.path) + '\n    ' + esc(x.reason);
            }).join('\n') + '</pre></details>';
      }
      div.innerHTML = html;
      box.appendChild(div);
    });
  })();

  document.getElementById('footer').textContent = 'Made by litescore compare ' + (data.tool.litescore || '')
      + ' (Spark ' + data.tool.spark + ', Java ' + data.tool.java + ') at ' + data.generatedAt
      + '. Charts: Apache ECharts ' + data.tool.echarts + '.';

  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  window.litescoreReport = {ready: true, charts: charts.length};
})();
