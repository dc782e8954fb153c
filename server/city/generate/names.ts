import type { LocalizedName } from '../CityModel.ts';

/**
 * Names for the synthetic Pingdingshan: real road, station and institution names placed on a
 * made-up layout, so the city reads like the real one without claiming to be it.
 */

/** North-south arterials, west to east. */
export const ARTERIAL_NAMES_NS = ['姚孟路', '和平路', '新华路', '体育路', '光明路', '中兴路', '开源路', '凌云路', '优越路', '联盟路', '东环路'] as const;

/** East-west arterials, south to north (the river roads are named separately). */
export const ARTERIAL_NAMES_EW = ['湛南路', '南环路', '曙光街', '建设路', '矿工路', '长青路', '北环路'] as const;

/** Street names for collectors and locals (a suffix is added). */
export const STREET_NAMES = [
  '五一', '胜利', '民主', '园林', '公园', '育英', '和顺', '平安', '文化', '友谊', '青石', '槐树', '东风', '红旗', '劳动',
  '团结', '鹰城', '福源', '银杏', '丹桂', '长安', '新城', '朝阳', '湛北', '汇源', '永安', '同心', '兴业', '学院', '建新',
  '锦华', '安乐', '幸福', '光华', '金穗', '卫东', '龙山', '凤凰', '宝丰', '叶县', '舞钢', '鲁山', '郏县', '神马', '平煤',
] as const;

export const COMPOUND_BRANDS = ['建业', '正商', '鑫苑', '碧桂园', '恒大', '万达', '鹰城', '平煤', '湛河', '香山', '凌云', '开源', '中原', '瑞祥', '昭平', '天鸿', '永和', '金石', '绿地', '融创'] as const;
export const COMPOUND_SUFFIXES = ['森林半岛', '城市花园', '壹号院', '御景湾', '华府', '名门', '翰林苑', '锦绣江南', '阳光城', '新城', '世纪花园', '盛世华庭', '香榭里', '湖畔', '书香苑', '家园', '丽景', '公馆', '学府', '水岸'] as const;

export interface NamedPlace {
  name: LocalizedName;
  /** Where it goes, world metres. */
  at: [number, number];
}

export const LANDMARKS: (NamedPlace & { heightM: number; floors: number; use: 'office' | 'commercial' })[] = [
  { name: { zh: '平顶山国际金融中心', en: 'Pingdingshan International Finance Centre' }, at: [350, 450], heightM: 198, floors: 46, use: 'office' },
  { name: { zh: '鹰城世贸中心', en: 'Yingcheng World Trade Centre' }, at: [-150, 650], heightM: 168, floors: 40, use: 'office' },
  { name: { zh: '平煤神马大厦', en: 'Pingmei Shenma Tower' }, at: [900, 150], heightM: 152, floors: 36, use: 'office' },
  { name: { zh: '万达广场', en: 'Wanda Plaza' }, at: [-350, 0], heightM: 118, floors: 28, use: 'commercial' },
  { name: { zh: '建业凯旋广场', en: 'Jianye Triumph Plaza' }, at: [750, 850], heightM: 132, floors: 31, use: 'commercial' },
];

export const HOSPITALS: (NamedPlace & { beds: number })[] = [
  { name: { zh: '平顶山市第一人民医院', en: "Pingdingshan First People's Hospital" }, at: [-600, 800], beds: 2000 },
  { name: { zh: '平顶山市第二人民医院', en: "Pingdingshan Second People's Hospital" }, at: [1900, 1400], beds: 1200 },
  { name: { zh: '平煤神马医疗集团总医院', en: 'Pingmei Shenma Medical Group General Hospital' }, at: [3400, 1700], beds: 1800 },
  { name: { zh: '平顶山市中医医院', en: 'Pingdingshan Hospital of Traditional Chinese Medicine' }, at: [-2300, -300], beds: 800 },
  { name: { zh: '平顶山市妇幼保健院', en: 'Pingdingshan Maternal and Child Health Hospital' }, at: [900, -1000], beds: 500 },
  { name: { zh: '湛河区人民医院', en: "Zhanhe District People's Hospital" }, at: [200, -3300], beds: 400 },
];

export const SCHOOLS: LocalizedName[] = [
  { zh: '平顶山市第一中学', en: 'Pingdingshan No. 1 High School' },
  { zh: '平顶山市第二中学', en: 'Pingdingshan No. 2 High School' },
  { zh: '平顶山市第三中学', en: 'Pingdingshan No. 3 High School' },
  { zh: '平顶山市实验高中', en: 'Pingdingshan Experimental High School' },
  { zh: '平顶山市第十六中学', en: 'Pingdingshan No. 16 Middle School' },
  { zh: '平顶山市第四十一中学', en: 'Pingdingshan No. 41 Middle School' },
  { zh: '新华区实验小学', en: 'Xinhua District Experimental Primary School' },
  { zh: '卫东区实验小学', en: 'Weidong District Experimental Primary School' },
  { zh: '湛河区实验小学', en: 'Zhanhe District Experimental Primary School' },
  { zh: '育才小学', en: 'Yucai Primary School' },
  { zh: '光明路小学', en: 'Guangming Road Primary School' },
  { zh: '开源路小学', en: 'Kaiyuan Road Primary School' },
  { zh: '矿工路小学', en: 'Kuanggong Road Primary School' },
  { zh: '建设路小学', en: 'Jianshe Road Primary School' },
  { zh: '凌云路中学', en: 'Lingyun Road Middle School' },
  { zh: '体育路小学', en: 'Tiyu Road Primary School' },
  { zh: '湛河中学', en: 'Zhanhe Middle School' },
  { zh: '平顶山市外国语学校', en: 'Pingdingshan Foreign Languages School' },
  { zh: '平顶山市第九中学', en: 'Pingdingshan No. 9 Middle School' },
  { zh: '曙光街小学', en: 'Shuguang Street Primary School' },
  { zh: '平顶山学院', en: 'Pingdingshan University' },
  { zh: '平顶山工学院', en: 'Pingdingshan Institute of Technology' },
];

export const PARKS: NamedPlace[] = [
  { name: { zh: '鹰城广场', en: 'Yingcheng Square' }, at: [250, 100] },
  { name: { zh: '人民公园', en: "People's Park" }, at: [-1700, 800] },
  { name: { zh: '新华公园', en: 'Xinhua Park' }, at: [-3200, 300] },
  { name: { zh: '卫东公园', en: 'Weidong Park' }, at: [3600, -200] },
  { name: { zh: '湛南公园', en: 'Zhannan Park' }, at: [1600, -3300] },
  { name: { zh: '白龟湖公园', en: 'Baigui Lake Park' }, at: [-3000, -3000] },
  { name: { zh: '平顶山体育公园', en: 'Pingdingshan Sports Park' }, at: [2600, -700] },
];

export const STADIUM: NamedPlace = { name: { zh: '平顶山市体育中心', en: 'Pingdingshan Sports Centre' }, at: [2700, -1150] };
export const GOVERNMENT: NamedPlace = { name: { zh: '平顶山市人民政府', en: "Pingdingshan Municipal People's Government" }, at: [-3500, -1350] };
export const LIBRARY: NamedPlace = { name: { zh: '平顶山市图书馆', en: 'Pingdingshan Library' }, at: [-3100, -1600] };
export const MUSEUM: NamedPlace = { name: { zh: '平顶山博物馆', en: 'Pingdingshan Museum' }, at: [-3900, -1650] };

export const FIRE_STATIONS: NamedPlace[] = [
  { name: { zh: '新华区消防救援站', en: 'Xinhua District Fire Station' }, at: [-2600, 900] },
  { name: { zh: '卫东区消防救援站', en: 'Weidong District Fire Station' }, at: [2900, 400] },
  { name: { zh: '湛河区消防救援站', en: 'Zhanhe District Fire Station' }, at: [-300, -2950] },
  { name: { zh: '特勤消防救援站', en: 'Special Service Fire Station' }, at: [400, -800] },
  { name: { zh: '开源路消防救援站', en: 'Kaiyuan Road Fire Station' }, at: [1300, 2000] },
  { name: { zh: '西区消防救援站', en: 'West Fire Station' }, at: [-4600, -600] },
  { name: { zh: '高新区消防救援站', en: 'High-tech Zone Fire Station' }, at: [4800, 1200] },
];

export const POLICE_STATIONS: NamedPlace[] = [
  { name: { zh: '平顶山市公安局', en: 'Pingdingshan Public Security Bureau' }, at: [-1200, 200] },
  { name: { zh: '新华分局', en: 'Xinhua Police Sub-bureau' }, at: [-3300, 1300] },
  { name: { zh: '卫东分局', en: 'Weidong Police Sub-bureau' }, at: [2300, 700] },
  { name: { zh: '湛河分局', en: 'Zhanhe Police Sub-bureau' }, at: [1000, -3000] },
  { name: { zh: '高新区分局', en: 'High-tech Zone Police Sub-bureau' }, at: [4400, -1500] },
  { name: { zh: '光明路派出所', en: 'Guangming Road Police Station' }, at: [-800, -1500] },
  { name: { zh: '矿工路派出所', en: 'Kuanggong Road Police Station' }, at: [-400, 1600] },
];

/** Air-quality stations named after Pingdingshan's national monitoring sites. */
export const AQ_STATIONS: NamedPlace[] = [
  { name: { zh: '平顶山市监测站', en: 'Pingdingshan Monitoring Station' }, at: [-500, 350] },
  { name: { zh: '高新区管委会', en: 'High-tech Zone Administration' }, at: [4300, 1700] },
  { name: { zh: '新华旅馆', en: 'Xinhua Hotel' }, at: [-1600, 500] },
  { name: { zh: '规划设计院', en: 'Planning and Design Institute' }, at: [1100, 1000] },
  { name: { zh: '市环保局', en: 'Municipal Environmental Protection Bureau' }, at: [-2600, -900] },
  { name: { zh: '平顶山工学院', en: 'Pingdingshan Institute of Technology' }, at: [1900, -2900] },
];

export const FACTORY_NAMES = ['平煤神马一矿', '平煤神马二矿', '平煤神马四矿', '平顶山焦化厂', '神马帘子布厂', '平顶山发电厂', '平高电气', '姚孟电厂', '鹰城机械厂', '平顶山水泥厂'] as const;
