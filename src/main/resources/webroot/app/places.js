// Cities and districts a person can pick instead of typing coordinates, for meeting in person. The
// point is each district's centre (to about a kilometre): near enough to rank and to filter by a
// distance of a few kilometres; "Use my location" is exact. Names are in the i18n files as
// place.<id>, so they follow the language switch.
export const PLACES = [
  { id: 'shanghai-huangpu', lat: 31.2317, lng: 121.4846 },
  { id: 'shanghai-jingan', lat: 31.2286, lng: 121.4480 },
  { id: 'shanghai-xuhui', lat: 31.1885, lng: 121.4365 },
  { id: 'shanghai-changning', lat: 31.2204, lng: 121.4245 },
  { id: 'shanghai-pudong', lat: 31.2397, lng: 121.4998 },
  { id: 'shanghai-yangpu', lat: 31.2596, lng: 121.5260 },
  { id: 'shanghai-minhang', lat: 31.1128, lng: 121.3817 },
  { id: 'beijing-dongcheng', lat: 39.9288, lng: 116.4164 },
  { id: 'beijing-xicheng', lat: 39.9123, lng: 116.3660 },
  { id: 'beijing-chaoyang', lat: 39.9215, lng: 116.4431 },
  { id: 'beijing-haidian', lat: 39.9593, lng: 116.2981 },
  { id: 'beijing-fengtai', lat: 39.8585, lng: 116.2870 },
  { id: 'guangzhou-tianhe', lat: 23.1247, lng: 113.3612 },
  { id: 'guangzhou-yuexiu', lat: 23.1290, lng: 113.2668 },
  { id: 'guangzhou-haizhu', lat: 23.0838, lng: 113.3172 },
  { id: 'shenzhen-futian', lat: 22.5415, lng: 114.0547 },
  { id: 'shenzhen-nanshan', lat: 22.5330, lng: 113.9304 },
  { id: 'shenzhen-luohu', lat: 22.5482, lng: 114.1315 },
  { id: 'hangzhou-xihu', lat: 30.2594, lng: 120.1300 },
  { id: 'hangzhou-shangcheng', lat: 30.2424, lng: 120.1693 },
  { id: 'chengdu-jinjiang', lat: 30.6573, lng: 104.0838 },
  { id: 'chengdu-wuhou', lat: 30.6423, lng: 104.0432 },
  { id: 'nanjing-xuanwu', lat: 32.0486, lng: 118.7977 },
  { id: 'nanjing-gulou', lat: 32.0663, lng: 118.7697 },
  { id: 'wuhan-jiangan', lat: 30.6001, lng: 114.3093 },
  { id: 'wuhan-wuchang', lat: 30.5539, lng: 114.3159 },
  { id: 'xian-beilin', lat: 34.2568, lng: 108.9468 },
  { id: 'chongqing-yuzhong', lat: 29.5566, lng: 106.5699 },
  { id: 'tianjin-heping', lat: 39.1172, lng: 117.2147 },
  { id: 'suzhou-gusu', lat: 31.3118, lng: 120.6170 },
  { id: 'hongkong-central', lat: 22.2819, lng: 114.1582 },
  { id: 'taipei-xinyi', lat: 25.0330, lng: 121.5654 },
  { id: 'singapore', lat: 1.2838, lng: 103.8510 },
  { id: 'tokyo-shinjuku', lat: 35.6938, lng: 139.7034 },
  { id: 'london-city', lat: 51.5155, lng: -0.0922 },
  { id: 'newyork-manhattan', lat: 40.7831, lng: -73.9712 },
  { id: 'sanfrancisco', lat: 37.7749, lng: -122.4194 },
  { id: 'sydney', lat: -33.8688, lng: 151.2093 },
];

/** The listed place at this location, if it is one (a saved profile shows its district again). */
export function placeAt(location) {
  if (!location) return null;
  return PLACES.find(place => Math.abs(place.lat - location.lat) < 1e-6 && Math.abs(place.lng - location.lng) < 1e-6) || null;
}
