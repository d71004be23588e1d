// The form's place picker: the cities, districts and streets of the handling policy's jurisdictions as suggestion lists
// under the city, district and street fields (free text stays possible for places the policy does not list). Kept on
// the phone, so the picker works offline after the first visit. Loaded before app.js.
(function () {
  'use strict';

  // Where the places come from, and how to read the answer. One place to change when the endpoint moves.
  var SOURCE = '/api/v1/places';
  var KEPT = 'riskwatch.places.v1';
  function citiesOf(answer) { return (answer && answer.cities) || []; }

  var cities = [];

  function options(listId, names) {
    var list = document.getElementById(listId);
    if (!list) { return; }
    list.textContent = '';
    names.forEach(function (name) {
      var option = document.createElement('option');
      option.value = name;
      list.appendChild(option);
    });
  }

  // Names compare as people type them: 深圳 = 深圳市, 龙岗 = 龙岗区.
  function key(name) { return String(name || '').trim().replace(/(市|新区|区|县|街道|镇|乡)$/, '').toLowerCase(); }

  // A place is found by its name or any of its aliases (Guangzhou = 广州市).
  function find(list, name) {
    var k = key(name);
    for (var i = 0; i < list.length; i++) {
      var names = [list[i].name].concat(list[i].aliases || []);
      for (var j = 0; j < names.length; j++) { if (key(names[j]) === k) { return list[i]; } }
    }
    return null;
  }

  function refresh() {
    options('city-options', cities.map(function (c) { return c.name; }));
    var city = find(cities, (document.getElementById('city') || {}).value);
    var districts = city ? city.districts : [];
    options('district-options', districts.map(function (d) { return d.name; }));
    var district = find(districts, (document.getElementById('district') || {}).value);
    options('street-options', district ? district.streets.map(function (st) { return st.name || st; }) : []);
  }

  function use(answer) { cities = citiesOf(answer).map(function (c) { return { name: c.name, districts: c.districts || [] }; }); refresh(); }

  function init() {
    if (!document.getElementById('city-options')) { return; }
    try { var kept = localStorage.getItem(KEPT); if (kept) { use(JSON.parse(kept)); } } catch (e) { /* storage disabled */ }
    ['city', 'district'].forEach(function (id) {
      var input = document.getElementById(id);
      if (input) { input.addEventListener('input', refresh); input.addEventListener('change', refresh); }
    });
    fetch(SOURCE, { credentials: 'omit' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) {
        if (!answer) { return; }
        try { localStorage.setItem(KEPT, JSON.stringify(answer)); } catch (e) { /* storage full */ }
        use(answer);
      }, function () { /* offline: the kept list, or free text */ });
  }

  window.RiskWatchPlaces = { refresh: refresh };
  document.addEventListener('DOMContentLoaded', init);
}());
