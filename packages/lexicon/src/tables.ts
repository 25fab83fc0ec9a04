/**
 * Curated knowledge the CIP classification does not carry: field words, unit and administrative words, school brands
 * that carry a field without naming it, the grammar of personal names (titles, particles), organisational words,
 * venues and call-for-papers furniture. Every entry is lower-case and normalized (see `normalizeLabel`). These are
 * facts about the academic world, not expected outputs, and no table lists the names of the sample's institutions,
 * donors or campuses: names are recognised by rule (names.ts).
 */

/**
 * School brands that carry a field without naming it. An entry earns its place only when the brand is used on its
 * own, with no field word, as the name of a school of one field, and means that field wherever it is used ("the
 * Wharton School", "Harvard Kennedy School", "The Juilliard School"). A donor's or founder's name followed by a field
 * ("Perelman School of Medicine", "Saïd Business School") needs no entry: the name rule (names.ts) strips it.
 */
export const SCHOOL_BRANDS: ReadonlyMap<string, string> = new Map([
  ['wharton', 'business'],
  ['kennedy', 'public policy'],
  ['juilliard', 'music'],
  ['tuck', 'business'],
  ['darden', 'business'],
]);

/** Regions and continents: a place alone is no field ("West Asia & North Africa"); "X studies" is. */
export const REGIONS: ReadonlySet<string> = new Set([
  'asia', 'africa', 'europe', 'america', 'americas', 'oceania', 'west asia', 'east asia', 'south asia', 'north africa',
  'middle east', 'latin america', 'north america', 'south america', 'eastern europe', 'near east', 'the americas',
]);

/** Unit names (after boilerplate removal) that carry no field: administration, delivery, generic colleges. */
export const ADMIN_UNITS: ReadonlySet<string> = new Set([
  'honors', 'honors college', 'graduate', 'graduate school', 'graduate college', 'graduate division', 'the college', 'college',
  'university college', 'professional studies', 'continuing education', 'continuing studies', 'extension', 'extension programs',
  'general studies', 'student services', 'academic affairs', 'summer sessions', 'summer session', 'continuing education and summer sessions',
  'individualized study', 'learning innovation and lifetime education', 'lifetime education', 'learning innovation', 'advanced study',
  'research', 'faculty', 'undergraduate', 'undergraduate studies', 'graduate studies', 'interdisciplinary studies',
  'liberal studies', 'online', 'distance education', 'global', 'international programs', 'libraries', 'library', 'museum', 'fund',
  'hospital', 'medical center', 'health system', 'clinic', 'press', 'athletics', 'admissions', 'registrar', 'provost', 'dean',
  'rotc', 'navy rotc', 'army rotc', 'air force rotc', 'school', 'division', 'department', 'institute', 'center', 'centre',
  'conservatory', 'tech', 'campus', 'online degree', 'open arts', 'collaborative arts', 'pre medical', 'premedical',
]);

/** Words of administrative, delivery and level units: a unit made only of them carries no field ("Graduate and Postdoctoral Studies"). */
export const ADMIN_WORDS: ReadonlySet<string> = new Set([
  'graduate', 'postgraduate', 'postdoctoral', 'undergraduate', 'professional', 'continuing', 'general', 'summer', 'extension',
  'studies', 'study', 'education', 'and', 'of', 'the', 'for', 'student', 'students', 'life', 'services', 'affairs', 'academic',
  'advanced', 'interdisciplinary', 'lifelong', 'learning', 'open', 'online', 'world', 'campus', 'campuses', 'honors', 'honours',
  'residential', 'junior', 'senior', 'lower', 'upper', 'division', 'programs', 'programmes', 'sessions', 'session', 'evening',
  'degree', 'completion', 'distance', 'global', 'university', 'college', 'initiative', 'initiatives',
]);

/** Organisational words: never the head of a field label. */
export const ORG_HEAD_WORDS: ReadonlySet<string> = new Set([
  'school', 'schools', 'college', 'colleges', 'department', 'departments', 'dept', 'division', 'divisions', 'faculty',
  'institute', 'institutes', 'center', 'centers', 'centre', 'centres', 'program', 'programs', 'programme', 'programmes',
  'committee', 'office', 'unit', 'units', 'area', 'areas', 'track', 'tracks', 'section', 'lab', 'labs', 'laboratory',
  'laboratories', 'group', 'groups', 'initiative', 'fund', 'consortium', 'conservatory', 'academy', 'university',
  'universities', 'campus', 'clinic', 'hospital', 'museum', 'library', 'foundation', 'team', 'topics',
  'topic', 'session', 'sessions', 'council', 'board', 'collection', 'collections', 'residents', 'residency',
  'fellowship', 'fellows', 'papers', 'paper', 'theme', 'themes', 'trust', 'alliance', 'conservatorium', 'conservatoire',
]);

/** Organisational words that make any label fail wherever they sit. */
export const ORG_ANYWHERE_WORDS: ReadonlySet<string> = new Set([
  'department', 'departments', 'dept', 'office', 'committee', 'university', 'universities', 'faculty', 'college', 'colleges',
  'institute', 'division', 'center', 'centre', 'program', 'programme', 'unit', 'campus', 'track', 'conservatorium', 'conservatoire',
  // A donor's foundation names who paid, never what is studied ("Stavros Niarchos Foundation Agora Institute").
  'foundation',
]);

/** Titles and honorifics that belong to a person's name ("Sir William Dunn", "King Edward VII", "Prince Alwaleed"). */
export const NAME_TITLES: ReadonlySet<string> = new Set([
  'sir', 'dame', 'lord', 'lady', 'king', 'queen', 'prince', 'princess', 'sheikh', 'sheikha', 'sultan', 'emir', 'saint', 'st',
  'dr', 'prof', 'professor', 'rev', 'reverend', 'royal', 'baron', 'baroness', 'earl', 'countess', 'jr', 'sr',
]);

/** Particles inside personal names ("Prince Alwaleed bin Talal", "Minda de Gunzburg"): names only between name words. */
export const NAME_PARTICLES: ReadonlySet<string> = new Set(['bin', 'ibn', 'al', 'von', 'van', 'de', 'der', 'del', 'della', 'di', 'du', 'la', 'le', 'y', 'da', 'dos']);

/** Qualifiers dropped from the front of a unit's field part, and the connectives that join units in prose ("…, along with the X Institute"). */
export const LEADING_QUALIFIERS: readonly string[] = ['along with the', 'along with', 'as well as the', 'as well as', 'together with the', 'together with', 'including the', 'the study of the', 'the study of', 'study of the', 'study of', 'studies in', 'excellence in', 'excellence for', 'the', 'graduate', 'undergraduate', 'advanced', 'general', 'interdisciplinary', 'state key'];

/** Names kept whole although they contain "and" (documented in eval/README.md). */
export const FIXED_NAMES: ReadonlySet<string> = new Set([
  'arts and sciences', 'arts and science', 'liberal arts and sciences', 'letters and science', 'letters and sciences',
  'letters arts and sciences', 'science and technology studies', 'history and philosophy of science',
  'science technology and society', 'law and economics', 'science and society', 'materials science and engineering',
  'operations research and financial engineering', 'hearing and speech sciences', 'speech and hearing sciences',
  'obstetrics and gynecology', 'head and neck surgery', 'head and neck', 'ear nose and throat',
  // the subspecialties of orthopaedic surgery named by a region of the body (its fellowships and services)
  'foot and ankle', 'hand and upper extremity', 'shoulder and elbow', 'hip and knee',
]);

/** Adjectival unit names mapped to the field they stand for ("Medical School" → medicine). */
export const ADJECTIVE_FIELDS: ReadonlyMap<string, string> = new Map([
  ['medical', 'medicine'],
  ['dental', 'dentistry'],
  ['legal', 'law'],
  ['veterinary', 'veterinary medicine'],
  ['physicians and surgeons', 'medicine'],
  ['information', 'information science'],
  ['divinity', 'divinity'],
  ['pharmaceutical', 'pharmacy'],
  ['theological', 'theology'],
  ['musical', 'music'],
]);

/** Single nouns and short phrases that are fields although CIP does not list them alone. */
export const CURATED_FIELDS: readonly string[] = [
  'medicine', 'law', 'business', 'engineering', 'nursing', 'health', 'dentistry', 'education', 'public health', 'public policy',
  'management', 'design', 'architecture', 'art', 'arts', 'music', 'dance', 'theater', 'theatre', 'film', 'cinema', 'media',
  'television', 'communication', 'communications', 'journalism', 'divinity', 'theology', 'religion', 'humanities',
  'social sciences', 'sciences', 'science', 'computing', 'information science', 'environment',
  'sustainability', 'planning', 'urban planning', 'social work', 'social welfare', 'public affairs', 'public service',
  'optometry', 'pharmacy', 'kinesiology', 'ecology', 'evolution', 'genetics', 'genomics', 'immunology', 'neuroscience',
  'neurobiology', 'physiology', 'pharmacology', 'pathology', 'surgery', 'pediatrics', 'psychiatry', 'neurology', 'radiology',
  'urology', 'dermatology', 'anesthesiology', 'anesthesia', 'oncology', 'ophthalmology', 'obstetrics', 'gynecology',
  'epidemiology', 'biostatistics', 'statistics', 'mathematics', 'physics', 'chemistry', 'biology', 'astronomy',
  'astrophysics', 'geology', 'geosciences', 'geophysics', 'geography', 'economics', 'politics', 'political science',
  'sociology', 'anthropology', 'psychology', 'linguistics', 'philosophy', 'history', 'classics', 'english', 'french',
  'german', 'italian', 'spanish', 'portuguese', 'russian', 'chinese', 'japanese', 'korean', 'arabic', 'hebrew', 'latin',
  'greek', 'archaeology', 'acoustics', 'robotics', 'optics', 'photonics', 'forestry', 'agriculture', 'nutrition',
  'microbiology', 'biochemistry', 'biophysics', 'bioinformatics', 'bioengineering', 'immunobiology', 'virology',
  'toxicology', 'anatomy', 'cardiology', 'hematology', 'nephrology', 'endocrinology', 'gastroenterology', 'rheumatology',
  'orthopaedics', 'orthopedics', 'neurosurgery', 'otolaryngology', 'periodontology', 'orthodontics', 'endodontics',
  'prosthodontics', 'pulmonology', 'geriatrics', 'rehabilitation', 'governance', 'finance', 'accounting', 'marketing',
  'strategy', 'entrepreneurship', 'ethics', 'bioethics', 'literature', 'literatures', 'creative writing', 'rhetoric',
  'folklore', 'ethnomusicology', 'musicology', 'printmaking', 'sculpture', 'painting', 'photography', 'drama',
  'performance studies', 'cognitive science', 'data science', 'computer science', 'artificial intelligence',
  'machine learning', 'military science', 'naval science', 'aerospace studies', 'human development', 'human ecology',
  'mathematical sciences', 'applied mathematics', 'applied physics', 'health sciences', 'life sciences', 'earth sciences',
  'natural resources', 'environmental sciences', 'materials science', 'religious studies', 'media studies',
  'american studies', 'african studies', 'asian studies', 'area studies', 'jewish studies', 'women s studies',
  'womens studies', 'gender studies', 'international relations', 'international studies', 'global affairs', 'diaspora',
  'indigeneity', 'race', 'society', 'culture', 'comparative literature', 'visual arts', 'fine arts', 'performing arts',
  'music education', 'urology', 'epistemology', 'semantics', 'pragmatics', 'syntax', 'phonology', 'morphology',
  'phonetics', 'discourse', 'dialogue', 'generation', 'summarization', 'parsing', 'optimization', 'theory', 'systems',
  'networking', 'security', 'privacy', 'databases', 'graphics', 'visualization', 'algorithms', 'cryptography',
  'compilers', 'vision', 'speech', 'fairness', 'safety', 'crowdsourcing', 'interpretability', 'explainability',
];

/** Words that are never a label on their own, only filler around one. */
export const GENERIC_WORDS: ReadonlySet<string> = new Set([
  'practice', 'practices', 'society', 'other', 'others', 'etc', 'more', 'misc', 'miscellaneous', 'general', 'topics',
  'topic', 'areas', 'area', 'fields', 'field', 'research', 'studies', 'study', 'applications', 'application', 'issues',
  'aspects', 'methods', 'related', 'related areas', 'related topics', 'other areas', 'other topics', 'and more', 'many others',
  'beyond', 'new', 'emerging', 'all', 'various', 'themes', 'theme', 'work', 'projects', 'advances', 'innovation',
  'leadership', 'populations', 'programs', 'sessions', 'affairs', 'sciences and more', 'current projects', 'ongoing projects',
  'faculty projects', 'ongoing faculty projects', 'nonmajor', 'non major', 'post bac', 'pre medical', 'post bac pre medical',
  'lessons learned', 'sometimes', 'foundations', 'other systems', 'other applications',
]);

/** Well-known publication venues (acronyms and full names). */
export const VENUES: ReadonlySet<string> = new Set([
  'neurips', 'nips', 'icml', 'iclr', 'cvpr', 'iccv', 'eccv', 'acl', 'naacl', 'eacl', 'emnlp', 'coling', 'conll', 'arr',
  'aaai', 'ijcai', 'kdd', 'sigkdd', 'www', 'wsdm', 'sigir', 'cikm', 'recsys', 'sigmod', 'vldb', 'pvldb', 'icde', 'pods',
  'osdi', 'sosp', 'nsdi', 'eurosys', 'asplos', 'isca', 'micro', 'hpca', 'sigcomm', 'mobicom', 'infocom', 'stoc', 'focs',
  'soda', 'icalp', 'popl', 'pldi', 'oopsla', 'icse', 'fse', 'ase', 'chi', 'uist', 'cscw', 'siggraph', 'siggraph asia',
  'eurographics', 'usenix', 'usenix security', 'ccs', 'ndss', 'crypto', 'eurocrypt', 'icra', 'iros', 'rss', 'corl',
  'miccai', 'ismb', 'recomb', 'colt', 'uai', 'aistats', 'interspeech', 'icassp', 'dac', 'iccad', 'sc', 'ipdps', 'podc',
  'disc', 'atc', 'fast', 'hotos', 'lics', 'cav', 'tacas', 'ecai', 'icaps', 'aamas', 'ec', 'wine', 'itcs', 'ccc',
  'neural information processing systems', 'international conference on machine learning',
  'international conference on learning representations', 'computer vision and pattern recognition',
  'association for computational linguistics', 'empirical methods in natural language processing',
  'very large data bases', 'symposium on operating systems design and implementation',
  'symposium on theory of computing', 'acl rolling review',
]);

/** Words that mark a venue when they appear as a whole word. */
export const VENUE_WORDS: ReadonlySet<string> = new Set([
  'conference', 'conferences', 'symposium', 'symposia', 'workshop', 'workshops', 'proceedings', 'journal', 'journals',
  'transactions', 'colloquium', 'congress', 'summit', 'meeting', 'annual',
]);

/** Call-for-papers furniture: phrases that are about the call, not a topic. */
export const CFP_FURNITURE: readonly string[] = [
  'call for papers', 'call for contributions', 'call for submissions', 'call for participation', 'first call', 'second call',
  'submission guidelines', 'submission', 'submissions', 'submission topics', 'submission deadline', 'important dates',
  'deadline', 'deadlines', 'camera ready', 'camera-ready', 'registration', 'notification', 'author notification',
  'author instructions', 'instructions for authors', 'paper format', 'page limit', 'formatting', 'templates', 'template',
  'program committee', 'organizing committee', 'general chair', 'program chairs', 'reviewers', 'reviewing', 'review process',
  'keynote', 'keynotes', 'accepted papers', 'best paper', 'travel grants', 'venue', 'sponsors', 'code of conduct',
  'subject areas', 'topics of interest', 'relevant topics', 'main conference', 'research track', 'industry track',
  'applications track', 'data management track', 'data science and engineering track', 'papers', 'paper', 'abstracts',
  'abstract', 'posters', 'demos', 'tutorials', 'contact', 'faq', 'dates', 'overview', 'research areas', 'our research',
  'areas of focus', 'graduate research areas', 'department research areas', 'research', 'areas', 'themes',
  'fields of study', 'areas of study', 'research groups', 'research topics', 'special theme', 'theme track',
];

/**
 * Words of call-for-papers logistics: a line made only of them (and of names, numbers and dates) is furniture
 * ("Rebuttal Period", "Camera Ready Version", "Program Co-Chairs", "Abstracts online submission procedure").
 * Topic words that also name logistics ("evaluation", "policy", "ethics", "time", "group") are not in it.
 */
export const CFP_WORDS: ReadonlySet<string> = new Set([
  'submission', 'submissions', 'submit', 'submitting', 'abstract', 'abstracts', 'paper', 'papers', 'deadline', 'deadlines', 'due',
  'notification', 'notifications', 'acceptance', 'accepted', 'reject', 'rejection', 'early', 'rebuttal', 'period', 'camera',
  'ready', 'version', 'final', 'files', 'file', 'guidelines', 'guideline', 'procedure', 'procedures', 'instructions', 'author',
  'authors', 'poster', 'posters', 'demo', 'demos', 'session', 'sessions', 'chair', 'chairs', 'co', 'cochair', 'cochairs',
  'committee', 'committees', 'program', 'programme', 'steering', 'organizers', 'organisers', 'organizing', 'organising',
  'registration', 'register', 'location', 'venue', 'travel', 'dates', 'date', 'important', 'summer', 'fall', 'autumn', 'winter',
  'spring', 'online', 'oral', 'presentation', 'presentations', 'template', 'templates', 'format', 'formatting', 'page', 'pages',
  'limit', 'reviewers', 'review', 'reviewing', 'keynote', 'keynotes', 'invited', 'talk', 'talks', 'panel', 'panels', 'proposal',
  'proposals', 'lightning', 'award', 'awards', 'lecture', 'lectures', 'medal', 'convener', 'conveners', 'convenor', 'convenors',
  'officers', 'officer', 'scientific', 'dear', 'colleague', 'colleagues', 'attendance', 'contact', 'faq', 'sponsor', 'sponsors',
  'call', 'calls', 'cfp', 'participation', 'contributions', 'refereed', 'electronic', 'conference', 'symposium', 'workshop',
  'meeting', 'proceedings', 'welcome', 'message', 'news', 'schedule', 'overview', 'hotel', 'accommodation', 'visa', 'criteria',
  'organizer', 'organiser', 'secretariat', 'speakers', 'speaker', 'volunteer', 'volunteers', 'student', 'students', 'grant',
  'grants', 'best', 'test', 'time', 'group', 'extended', 'of', 'and', 'the', 'for', 'to', 'by', 'on', 'in', 'at', 'a', 'an', 'our', 'your', 'all', 'via', 'per',
]);

/** Words of page-section headings: a heading made only of them names the page's own furniture ("Faculty Research Areas"). */
export const HEADING_WORDS: ReadonlySet<string> = new Set([
  'research', 'areas', 'area', 'topics', 'topic', 'subject', 'subjects', 'fields', 'field', 'of', 'study', 'studies', 'and', 'focus',
  'groups', 'themes', 'theme', 'concentrations', 'concentration', 'specialization', 'specializations', 'specialisation',
  'specialisations', 'interest', 'interests', 'relevant', 'our', 'the', 'list', 'table', 'contents', 'overview', 'main', 'major',
  'key', 'current', 'other', 'graduate', 'undergraduate', 'faculty', 'department', 'departmental', 'disciplinary',
  'interdisciplinary', 'transdisciplinary', 'inter', 'sessions', 'session', 'programme', 'program', 'scientific', 'technical',
  'below', 'listed', 'following', 'scope', 'description', 'introduction', 'symposium', 'conference', 'workshop', 'information',
  'areas', 'divisions', 'sections', 'section', 'in', 'at', 'a', 'highlights', 'themes', 'key',
]);

/** Nouns that make the words before a list a lead-in, not a topic ("Important areas of study include …", "Theoretical work includes …"). */
export const LEAD_IN_NOUNS: ReadonlySet<string> = new Set([
  'areas', 'area', 'fields', 'field', 'topics', 'topic', 'themes', 'theme', 'disciplines', 'discipline', 'research', 'work',
  'examples', 'example', 'interests', 'interest', 'specialization', 'specializations', 'strengths', 'strength', 'expertise',
  'training', 'advances', 'forum', 'department', 'society', 'event', 'papers', 'contributions', 'program', 'programme',
  'faculty', 'group', 'groups', 'branches', 'subfields', 'it', 'they', 'this', 'these', 'we', 'our',
]);

/**
 * Field words CIP titles do not spell out, pinned to the CIP family ("51") or series ("50.09") they
 * belong to: identity and area studies, instruments and ensembles, clinical conditions and the
 * organ-named -ologies, finance. Keys are stemmed tokens (see `stemToken`).
 */
export const FAMILY_HINTS: ReadonlyMap<string, string> = new Map([
  // area, ethnic, cultural, gender and group studies
  ...['latino', 'latina', 'latinx', 'chicano', 'chicana', 'africana', 'feminist', 'feminism', 'queer', 'transgender', 'lesbian', 'gay', 'bisexual', 'lgbt', 'lgbtq', 'sexuality', 'diaspora', 'indigeneity', 'indigenous', 'ethnicity', 'francophone', 'transcultural'].map((w) => [w, '05'] as const),
  // peoples, faiths and regions as adjectives (dictionaries spell them capitalised, so no word list knows them)
  ...['arab', 'muslim', 'hindu', 'buddhist', 'sikh', 'jain', 'norse', 'saxon', 'anglo', 'celtic', 'gaelic', 'iberian', 'balkan', 'nordic', 'baltic', 'caribbean', 'pacific', 'atlantic', 'mediterranean', 'himalayan', 'tibetan', 'uyghur', 'maori', 'aboriginal', 'hawaiian', 'yiddish', 'hellenistic'].map((w) => [w, '05'] as const),
  // classical antiquity
  ...['hellenic', 'roman', 'egyptian', 'egyptology', 'classical', 'byzantine', 'greek'].map((w) => [w, '16.12'] as const),
  // music: instruments, voice, ensembles, composition
  ...['piano', 'string', 'harp', 'guitar', 'voice', 'ensemble', 'opera', 'conducting', 'composition', 'orchestra', 'choral', 'percussion', 'woodwind', 'brass', 'jazz', 'keyboard', 'organ'].map((w) => [w, '50.09'] as const),
  // clinical conditions and organ-named specialties
  ...['hypertension', 'obesity', 'diabetes', 'arthritis', 'laryngology', 'rhinology', 'traumatology', 'trauma', 'cariology', 'tremor', 'sclerosis', 'dystrophy', 'concussion', 'autopsy', 'stroke', 'epilepsy', 'dementia', 'alzheimer', 'infection', 'transplant', 'transplantation', 'hospitalist', 'neurohospitalist', 'cytometry', 'sepsis', 'asthma', 'allergy'].map((w) => [w, '51'] as const),
  // business and finance
  ...['fintech', 'market', 'negotiation', 'volatility'].map((w) => [w, '52'] as const),
  // politics and society
  ...['democracy', 'right', 'inequality'].map((w) => [w, '45.10'] as const),
  ['justice', '43'],
  // classical antiquity, ocean and nerve sciences, business operations and decisions
  ['ancient', '16.12'],
  ['math', '27.01'],
  ['mechanics', '14.11'],
  ['immunity', '26.05'],
  ...['bone', 'tissue', 'extremity', 'spine', 'joint', 'ankle', 'foot', 'hand', 'breast', 'liver', 'kidney', 'heart', 'lung', 'skin'].map((w) => [w, '51'] as const),
  ['computation', '11.01'],
  ['software', '11'],
  ['bioscience', '26'],
  ['communicative', '51.02'],
  ['scandinavian', '05'],
  ['century', '54'],
  ['cognition', '42'],
  ['microscopy', '26'],
  ['food', '19.05'],
  ['science and technology study', '30.15'],
  ...['europe', 'asia', 'africa', 'america', 'americas'].map((w) => [w, '05.01'] as const),
  ['oceanic', '40.06'],
  ['oceanography', '40.06'],
  ['neural', '26.15'],
  ['operation', '52.02'],
  ['decision', '52'],
  // global and international studies, cities, work and employment, sport
  ...['global', 'globalization', 'international', 'transnational'].map((w) => [w, '30.20'] as const),
  ...['urban', 'city', 'metropolitan'].map((w) => [w, '45.12'] as const),
  ...['employment', 'labor', 'labour', 'workplace'].map((w) => [w, '52.10'] as const),
  ['sport', '31.05'],
  ['thought', '38.01'],
]);

/** Combining forms of compound field words ("neuro|psychology", "socio|medical", "exo|planets"), longest first. */
export const FIELD_PREFIXES: readonly string[] = [
  'neuro', 'hemato', 'haemato', 'immuno', 'socio', 'psycho', 'bio', 'geo', 'astro', 'cosmo', 'exo', 'electro', 'nano', 'cyto',
  'histo', 'patho', 'pharmaco', 'physio', 'onco', 'cardio', 'gastro', 'photo', 'thermo', 'hydro', 'paleo', 'ethno', 'econo',
].sort((a, b) => b.length - a.length);

/** Broad faculties a department of a family may sit under when no closer parent exists, in order of preference. */
export const UMBRELLA_FIELDS: Readonly<Record<string, readonly string[]>> = {
  '05': ['humanities', 'social sciences', 'arts and sciences', 'arts and science'],
  '16': ['humanities', 'arts and sciences', 'arts and science'],
  '23': ['humanities', 'arts and sciences', 'arts and science'],
  '24': ['arts and sciences', 'humanities', 'arts and science'],
  '30': ['arts and sciences', 'arts and science'],
  '38': ['humanities', 'arts and sciences', 'arts and science'],
  '39': ['divinity', 'humanities', 'arts and sciences'],
  '50': ['arts', 'humanities', 'arts and sciences'],
  '54': ['humanities', 'arts and sciences', 'arts and science'],
  '19': ['social sciences', 'arts and sciences'],
  '42': ['social sciences', 'arts and sciences'],
  '43': ['social sciences', 'law', 'arts and sciences'],
  '44': ['public policy', 'public affairs', 'social sciences'],
  '45': ['social sciences', 'arts and sciences', 'arts and science'],
  '26': ['biological sciences', 'life sciences', 'arts and sciences', 'arts and science'],
  '27': ['mathematics', 'mathematical sciences', 'arts and sciences'],
  '40': ['physical sciences', 'arts and sciences', 'arts and science'],
  '03': ['environment', 'natural resources', 'arts and sciences'],
  '51': ['medicine'],
  '14': ['engineering'],
  '11': ['computer science', 'computing', 'engineering'],
  '52': ['business', 'management'],
  '22': ['law'],
  '13': ['education'],
  '09': ['communication', 'media'],
  '04': ['architecture', 'design'],
  '01': ['agriculture', 'agricultural sciences', 'arts and sciences'],
};

/** Degree names and pathway words: a label made only of them ("md phd", "bsn to", "post masters") names no field. */
export const DEGREE_WORDS: ReadonlySet<string> = new Set([
  'bsn', 'msn', 'dnp', 'md', 'phd', 'mba', 'mph', 'mpa', 'mpp', 'ms', 'ma', 'bs', 'ba', 'mfa', 'bfa', 'llm', 'jd', 'dds', 'dmd',
  'pharmd', 'edd', 'dpt', 'otd', 'mhs', 'msc', 'bsc', 'mstp', 'masters', 'master', 'bachelors', 'bachelor', 'doctoral', 'doctorate',
  'postdoctoral', 'postbaccalaureate', 'post', 'pre', 'to', 'degree', 'degrees', 'dual', 'joint', 'combined', 'accelerated',
]);

/** People, awards and services a unit serves ("scholars", "scholarships", "storytellers", "accelerator"): never a field at levels 0-1. */
export const PEOPLE_AND_AWARDS: ReadonlySet<string> = new Set([
  'scholar', 'scholarship', 'fellowship', 'storyteller', 'student', 'alumnus', 'alumni', 'award', 'prize', 'grant', 'accelerator',
  'incubator', 'enrichment', 'leader', 'mentor', 'mentoring', 'advising', 'tutoring', 'admission',
]);

/**
 * General nouns that name no discipline on their own ("function", "progress", "game", "societies") and,
 * as the head of a label, need a field word before them ("financial institutions" is a field, "free
 * institutions", "willed body" are not). Stemmed (see `stemToken`).
 */
export const GENERIC_HEADS: ReadonlySet<string> = new Set([
  'function', 'progress', 'game', 'society', 'institution', 'body', 'change', 'excellence', 'engagement', 'impact', 'world',
  'mind', 'thing', 'idea', 'future', 'frontier', 'success', 'opportunity', 'partnership',
]);

/**
 * The curated tables that hold proper names (kind "names": brands, donors, institutions, campuses) and the grammar of
 * names (kind "grammar": titles and particles, which name nobody), listed for tools/eval/name-entries.ts.
 */
export function curatedNameTables(): ReadonlyArray<{ table: string; kind: 'names' | 'grammar'; entries: readonly string[] }> {
  return [
    { table: 'SCHOOL_BRANDS', kind: 'names', entries: [...SCHOOL_BRANDS.keys()] },
    { table: 'NAME_TITLES', kind: 'grammar', entries: [...NAME_TITLES] },
    { table: 'NAME_PARTICLES', kind: 'grammar', entries: [...NAME_PARTICLES] },
  ];
}
