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
    container.classList.remove('chart', 'gallery', 'grid');
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

  // Runs without labels: what needs labels says so in one line and moves below what can be known without them.
  var labelled = data.labelled !== false;
  var NEEDS_LABELS = 'Needs labels: none of the compared runs scored a labelled image (dataset.layout = unlabeled, '
      + 'or a table without a label column).';
  if (!labelled) {
    var note = document.getElementById('labels-note');
    note.hidden = false;
    note.textContent = 'No labelled image: accuracy, per-class accuracy, confusion matrices and misclassified images '
        + 'need labels and are listed last. What the predictions tell without labels comes first: agreement between '
        + 'the models, their confidence, the images they disagree on and, for a model in two runs, the drift.';
    var main = document.querySelector('main');
    var runsSection = document.getElementById('runs');
    var nav = document.querySelector('nav');
    var runsLink = nav.querySelector('a[href="#runs"]');
    ['classes', 'confusion', 'misclassified'].forEach(function (id) {
      main.insertBefore(document.getElementById(id), runsSection);
      nav.insertBefore(nav.querySelector('a[href="#' + id + '"]'), runsLink);
    });
    document.querySelector('#speed h2').textContent = 'Speed';
    document.querySelector('nav a[href="#speed"]').textContent = 'Speed';
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
    {key: 'mean_confidence', title: 'confidence', fmt: function (m) {
      return fixed(m.mean_confidence, 3) + (isNum(m.median_confidence) ? '<span class="rank" title="median">median '
          + fixed(m.median_confidence, 3) + '</span>' : '');
    }},
    {key: 'images', title: 'images', fmt: function (m) { return count(m.images); }},
    {key: 'failed', title: 'failed', fmt: function (m) { return count(m.failed); }},
    {key: 'batch_size', title: 'batch', fmt: function (m) { return count(m.batch_size); }},
    {key: 'model_sha256', title: 'sha256', text: true, fmt: function (m) {
      return m.model_sha256 ? '<code title="' + esc(m.model_sha256) + '">' + esc(m.model_sha256.substring(0, 12))
          + '\u2026</code>' : '\u2013';
    }}
  ];
  if (!labelled) {
    COLUMNS = COLUMNS.filter(function (c) { return ['top1', 'top5', 'mean_class_accuracy'].indexOf(c.key) < 0; });
  }
  models.forEach(function (m) {
    m.ms_per_image = isNum(m.images_per_second) && m.images_per_second > 0 ? 1000 / m.images_per_second : null;
  });
  var table = document.getElementById('comparison');
  var sort = labelled ? {key: 'top1', dir: -1} : {key: 'key', dir: 1};
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
      speedOnly(box);
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

  // Without accuracy: images per second alone, one bar per model.
  function speedOnly(box) {
    box.parentNode.querySelector('.note').textContent = 'No model has a top-1 accuracy (no labelled image was '
        + 'scored), so there is no accuracy / speed trade-off to plot: images per second of the scoring pass (read, '
        + 'decode, preprocess, infer, write, over all Spark cores), fastest on top.';
    var fast = models.filter(function (m) { return isNum(m.images_per_second); })
        .sort(function (a, b) { return b.images_per_second - a.images_per_second; });
    if (fast.length === 0) {
      empty(box, 'No model recorded its speed.');
      return;
    }
    var longest = Math.max.apply(null, fast.map(function (m) { return m.key.length; }));
    chart(box, 90 + 34 * fast.length, {
      grid: {left: Math.min(340, 24 + 7 * longest), right: 90, top: 16, bottom: 50},
      tooltip: {trigger: 'item', formatter: function (p) {
        var m = fast[p.dataIndex];
        return '<b>' + esc(m.key) + '</b><br>' + fixed(m.images_per_second, 1) + ' images/s ('
            + fixed(m.ms_per_image, 2) + ' ms/image)<br>params ' + params(m.params) + ', size ' + bytes(m.model_bytes);
      }},
      xAxis: {type: 'value', name: 'images / s', nameLocation: 'middle', nameGap: 30,
        splitLine: {lineStyle: {type: 'dotted'}}},
      yAxis: {type: 'category', inverse: true, data: fast.map(function (m) { return m.key; })},
      series: [{type: 'bar', barMaxWidth: 22, itemStyle: {color: '#0b63c4'}, data: fast.map(function (m) {
        return m.images_per_second;
      }), label: {show: true, position: 'right', formatter: function (p) { return p.value.toFixed(1); }}}]
    });
  }

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
      empty(box, labelled ? 'No per-class accuracy: no labelled image was scored.' : NEEDS_LABELS);
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
      empty(grid, labelled ? 'No confusion matrix: no labelled image was scored.' : NEEDS_LABELS);
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

  // An image card: thumbnail, what is known of the image, every model's top-k as chips (chipClass picks the style).
  function imageCard(img, meta, chipClass) {
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
    head.appendChild(el('div', 'meta', '<div class="name">' + esc(img.name) + '</div>' + meta
        + '<div class="path mono">' + esc(img.path) + '</div>'));
    card.appendChild(head);
    var rows = img.predictions.map(function (p) {
      var cell;
      if (p.error) {
        cell = '<span class="chip wrong">error: ' + esc(p.error) + '</span>';
      } else {
        cell = p.topLabels.map(function (label, k) {
          return '<span class="' + chipClass(label, k) + '">' + esc(label) + ' ' + (100 * p.topProbs[k]).toFixed(1)
              + '%</span>';
        }).join('');
      }
      return '<tr><td class="m">' + esc(p.key) + '</td><td>' + cell + '</td></tr>';
    });
    card.appendChild(el('table', null, '<tbody>' + rows.join('') + '</tbody>'));
    return card;
  }

  // (e) The images most models got wrong, with every model's top-5.
  (function () {
    var gallery = document.getElementById('gallery');
    var note = document.getElementById('misclassified-note');
    if (data.misclassified.length === 0) {
      note.textContent = '';
      empty(gallery, labelled ? 'No labelled image was misclassified by any model.' : NEEDS_LABELS);
      return;
    }
    note.textContent = 'The ' + data.misclassified.length + ' images misclassified (top-1) by the most models, '
        + 'most first, with the top-5 of every model: the true class in green, a wrong top-1 in red.';
    data.misclassified.forEach(function (img) {
      gallery.appendChild(imageCard(img, '<div>label <b>' + esc(img.label) + '</b></div><div><span class="badge">'
          + 'wrong in ' + img.wrong + ' of ' + img.scored + '</span></div>', function (label, k) {
        return label === img.label ? 'chip truth' : (k === 0 ? 'chip wrong' : 'chip');
      }));
    });
  })();

  // (g) Top-1 agreement of every pair of models, as a symmetric models x models heatmap.
  (function () {
    var box = document.getElementById('chart-agreement');
    if (models.length < 2) {
      empty(box, 'One model: agreement needs two.');
      return;
    }
    var cells = [];
    var byPair = {};
    data.agreement.forEach(function (a) {
      byPair[a.a + ',' + a.b] = a;
      if (isNum(a.top1)) {
        cells.push([a.b, a.a, 100 * a.top1]);
        cells.push([a.a, a.b, 100 * a.top1]);
      }
    });
    if (cells.length === 0) {
      empty(box, 'No two models scored a common image (the same path), so there is no agreement to measure.');
      return;
    }
    models.forEach(function (m, i) { cells.push({value: [i, i, 100], itemStyle: {color: '#eaeef2'}, self: true}); });
    // the colour scale starts at the lowest agreement (below 100, so that the scale has a range)
    var low = Math.min(99, Math.min.apply(null, cells.filter(function (c) { return !c.self; })
        .map(function (c) { return c[2]; })));
    var names = models.map(function (m) { return m.key; });
    var longest = Math.max.apply(null, names.map(function (k) { return k.length; }));
    var margin = Math.min(340, 24 + 7 * longest);
    var rotate = models.length > 4 || 7 * longest + 12 > 130;
    var cell = rotate ? 54 : Math.max(64, 7 * longest + 12);
    var side = Math.max(120, Math.min(720, cell * models.length));
    var bottom = rotate ? Math.min(200, 30 + 6 * longest) : 40;
    box.style.width = Math.min(1350, margin + side + 110) + 'px';
    chart(box, side + bottom + 20, {
      grid: {left: margin, right: 90, top: 16, bottom: bottom},
      tooltip: {position: 'top', formatter: function (p) {
        var v = p.data.value || p.data;
        if (v[0] === v[1]) { return '<b>' + esc(names[v[0]]) + '</b>'; }
        var a = byPair[Math.min(v[0], v[1]) + ',' + Math.max(v[0], v[1])];
        return '<b>' + esc(names[v[1]]) + '</b> and <b>' + esc(names[v[0]]) + '</b><br>same top-1 on '
            + count(a.agreed) + ' of ' + count(a.common) + ' common images (' + pct(a.top1, 1) + ')<br>Cohen\u2019s '
            + 'kappa ' + fixed(a.kappa, 3) + ', top-5 overlap ' + pct(a.top5Overlap, 1);
      }},
      xAxis: {type: 'category', data: names, axisLabel: {rotate: rotate ? 35 : 0, interval: 0},
        splitArea: {show: true}},
      yAxis: {type: 'category', data: names, inverse: true, axisLabel: {interval: 0}, splitArea: {show: true}},
      visualMap: {type: 'continuous', dimension: 2, min: Math.floor(low), max: 100, calculable: false,
        orient: 'vertical', right: 6, top: 'middle', itemHeight: Math.max(80, side - 60), precision: 0,
        text: ['100%', Math.floor(low) + '%'], inRange: {color: ['#d73027', '#fee08b', '#1a9850']}, seriesIndex: 0},
      series: [{type: 'heatmap', data: cells.filter(function (c) { return !c.self; }), itemStyle: {borderColor: '#fff',
        borderWidth: 1}, label: {show: models.length <= 16, fontSize: 11, formatter: function (p) {
          return p.data[2].toFixed(1) + '%';
        }}},
        {type: 'heatmap', data: cells.filter(function (c) { return c.self; }), silent: true,
          itemStyle: {borderColor: '#fff', borderWidth: 1}, label: {show: true, color: '#8c959f', formatter: '\u2013'}}]
    });
  })();

  // (h) Top-1 probability histograms, one bar series per model.
  (function () {
    var box = document.getElementById('chart-confidence');
    var shown = data.confidence.filter(function (c) { return c.scored > 0; });
    if (shown.length === 0) {
      empty(box, 'No model scored an image, so there is no confidence to show.');
      return;
    }
    var bins = shown[0].counts.length;
    var labels = [];
    for (var b = 0; b < bins; b++) { labels.push((b / bins).toFixed(2) + '\u2013' + ((b + 1) / bins).toFixed(2)); }
    var series = shown.map(function (c) {
      return {name: c.key, type: 'bar', barGap: '10%', data: c.counts.map(function (n) { return 100 * n / c.scored; })};
    });
    chart(box, 420, {
      legend: {top: 8, type: 'scroll', data: shown.map(function (c) {
        return c.key;
      }), formatter: function (name) {
        var c = shown.filter(function (x) { return x.key === name; })[0];
        return name + ' (mean ' + fixed(c.mean, 3) + ', median ' + fixed(c.median, 3) + ')';
      }},
      grid: {left: 70, right: 30, top: 60, bottom: 80},
      tooltip: {trigger: 'axis', axisPointer: {type: 'shadow'}, formatter: function (ps) {
        return 'top-1 probability ' + esc(labels[ps[0].dataIndex]) + ps.map(function (p) {
          var c = shown[p.seriesIndex];
          return '<br>' + p.marker + esc(c.key) + ': ' + count(c.counts[p.dataIndex]) + ' images ('
              + p.value.toFixed(1) + '%)';
        }).join('');
      }},
      xAxis: {type: 'category', data: labels, name: 'top-1 probability', nameLocation: 'middle', nameGap: 56,
        axisLabel: {rotate: 45, interval: 0}},
      yAxis: {type: 'value', name: 'share of scored images (%)', nameLocation: 'middle', nameGap: 46,
        splitLine: {lineStyle: {type: 'dotted'}}},
      series: series
    });
  })();

  // (i) The images the models disagree on most, with every model's top-k.
  (function () {
    var gallery = document.getElementById('disagreements-gallery');
    var note = document.getElementById('disagreements-note');
    if (data.disagreements.length === 0) {
      note.textContent = '';
      empty(gallery, models.length < 2 ? 'One model: disagreement needs two.'
          : 'The models agree on every image they all scored (the same top-1 class).');
      return;
    }
    note.textContent = 'The ' + data.disagreements.length + ' images on which the models\u2019 top-1 classes differ '
        + 'most: the most distinct classes first, then the smallest majority, then the lowest mean top-1 '
        + 'probability. Every model\u2019s top-k (as its run recorded them): a top-1 that is the majority\u2019s in blue, '
        + 'another top-1 in orange. Needs no labels.';
    data.disagreements.forEach(function (img) {
      var meta = (img.label ? '<div>label <b>' + esc(img.label) + '</b></div>' : '')
          + '<div><span class="badge">' + img.distinct + ' classes among ' + img.models + ' models</span></div>'
          + '<div>majority <b>' + esc(img.majorityLabel) + '</b> (' + img.majorityVotes + ' of ' + img.models
          + '), mean top-1 ' + (100 * img.meanConfidence).toFixed(1) + '%</div>'
          + (img.fileChanged ? '<div class="changed">the file changed between the runs; the thumbnail shows it as it '
          + 'is now</div>' : '');
      gallery.appendChild(imageCard(img, meta, function (label, k) {
        if (k > 0) { return 'chip'; }
        return label === img.majorityLabel ? 'chip majority' : 'chip minority';
      }));
    });
  })();

  // (j) Drift: one model in two runs, changed predictions and the predicted-class shift.
  (function () {
    var grid = document.getElementById('drift-grid');
    if (data.drift.length === 0) {
      empty(grid, 'No model appears in two of the compared runs: drift compares a model run after run (give two '
          + 'runs of the same model name, e.g. --run-id yesterday --run-id today).');
      return;
    }
    data.drift.forEach(function (d, i) {
      var fig = el('figure');
      var box = el('div', 'chart chart-drift');
      box.id = 'chart-drift-' + i;
      var n = d.classes.length;
      var longest = Math.max.apply(null, d.classes.map(function (c) { return c.label.length; }).concat([4]));
      box.style.width = Math.max(640, Math.min(1340, 120 + 56 * n)) + 'px';
      fig.appendChild(box);
      var caption = '<strong>' + esc(d.model) + '</strong>: run <code>' + esc(d.fromRun) + '</code> \u2192 <code>'
          + esc(d.toRun) + '</code> (' + (d.sameWeights ? 'same weights' : '<b>other weights</b>: the model file '
          + 'changed') + (d.sameDataset ? '' : ', other dataset') + '). ' + (d.common > 0 ? '<b>' + count(d.changed)
          + '</b> of ' + count(d.common) + ' common images changed their top-1 (' + pct(d.changedShare, 1) + ')'
          : 'No common image (no path scored by both)') + '; ' + count(d.imagesFrom) + ' \u2192 '
          + count(d.imagesTo) + ' images scored; total variation of the class shares ' + fixed(d.totalVariation, 3)
          + (d.classesTotal > n ? '; the ' + n + ' of ' + d.classesTotal + ' classes whose share moved most' : '')
          + '.';
      fig.appendChild(el('figcaption', null, caption));
      grid.appendChild(fig);
      var from = 'run ' + d.fromRun;
      var to = 'run ' + d.toRun;
      chart(box, 340 + Math.min(120, 6 * longest), {
        color: ['#8c959f', '#0b63c4'],
        legend: {top: 6, data: [from, to]},
        grid: {left: 64, right: 20, top: 44, bottom: Math.min(150, 40 + 6 * longest)},
        tooltip: {trigger: 'axis', axisPointer: {type: 'shadow'}, formatter: function (ps) {
          var c = d.classes[ps[0].dataIndex];
          return '<b>' + esc(c.label) + '</b><br>' + esc(from) + ': ' + count(c.from) + ' images (' + pct(c.shareFrom, 1)
              + ')<br>' + esc(to) + ': ' + count(c.to) + ' images (' + pct(c.shareTo, 1) + ')<br>on common images: '
              + count(c.movedOut) + ' moved away, ' + count(c.movedIn) + ' came to it';
        }},
        xAxis: {type: 'category', data: d.classes.map(function (c) { return c.label; }),
          axisLabel: {rotate: n > 6 ? 40 : 0, interval: 0}},
        yAxis: {type: 'value', name: 'share of scored images (%)', nameLocation: 'middle', nameGap: 44,
          splitLine: {lineStyle: {type: 'dotted'}}},
        series: [
          {name: from, type: 'bar', data: d.classes.map(function (c) { return 100 * c.shareFrom; })},
          {name: to, type: 'bar', data: d.classes.map(function (c) { return 100 * c.shareTo; })}
        ]
      });
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
