<?php

/**
 * `make docs`: the PHP reference, one HTML page from the docblocks of src/ (namespace
 * Siteverify), read through Reflection. phpDocumentor is not packaged by Debian 12 (only its
 * reflection components are), and nothing is downloaded, so this is the small stand-in.
 *
 * Every class, interface and enum, its public constants, properties and methods, with their
 * signatures and docblocks. `@internal` classes and methods are left out. A class or a public
 * method (constructors included) without a docblock fails the run, as a warning would.
 *
 * Usage: php scripts/docs.php OUT_DIR
 */

declare(strict_types=1);

if ($argc !== 2) {
    fwrite(STDERR, "usage: php scripts/docs.php OUT_DIR\n");
    exit(2);
}
$out = $argv[1];
$src = dirname(__DIR__) . '/src';

spl_autoload_register(static function (string $class) use ($src): void {
    if (str_starts_with($class, 'Siteverify\\')) {
        $file = $src . '/' . str_replace('\\', '/', substr($class, strlen('Siteverify\\'))) . '.php';
        if (is_file($file)) {
            require_once $file;
        }
    }
});

$classes = [];
$it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($src, FilesystemIterator::SKIP_DOTS));
foreach ($it as $file) {
    if ($file->getExtension() !== 'php') {
        continue;
    }
    $rel = substr($file->getPathname(), strlen($src) + 1, -4);
    $name = 'Siteverify\\' . str_replace('/', '\\', $rel);
    if (!class_exists($name) && !interface_exists($name) && !enum_exists($name) && !trait_exists($name)) {
        fwrite(STDERR, "php docs: $file declares no $name\n");
        exit(1);
    }
    $classes[] = new ReflectionClass($name);
}
usort($classes, static fn ($a, $b) => strcmp($a->getName(), $b->getName()));

$problems = [];
// Undocumented today in files this script's owner may not edit; listed so that nothing new
// slips in. Remove an entry once its docblock exists (a stale entry fails the run too).
$knownUndocumented = [
    'method Siteverify\\Exception\\SiteverifyException::__construct()',
    'method Siteverify\\VerificationEvent::__construct()',
];
$internal = static fn (string|false $doc): bool => $doc !== false && preg_match('/^\s*\*\s*@internal\b/m', $doc) === 1;

/** The docblock without its delimiters and leading stars. */
$docText = static function (string|false $doc): string {
    if ($doc === false) {
        return '';
    }
    $doc = preg_replace('#^\s*/\*\*|\*/\s*$#', '', $doc);
    $lines = array_map(static fn ($l) => preg_replace('/^\s*\* ?/', '', $l), explode("\n", $doc));
    return trim(implode("\n", $lines));
};

/** Description paragraphs, ```php fences as code, `code` spans, then the tags as a list. */
$docHtml = static function (string|false $doc) use ($docText): string {
    $text = $docText($doc);
    $tags = '';
    if (preg_match('/^@/m', $text, $m, PREG_OFFSET_CAPTURE)) {
        $tagText = substr($text, $m[0][1]);
        $text = substr($text, 0, $m[0][1]);
        $items = preg_split('/\n(?=@)/', trim($tagText));
        $tags = '<ul class=tags>' . implode('', array_map(
            static fn ($t) => '<li><code>' . htmlspecialchars(preg_replace('/\s+/', ' ', $t)) . '</code></li>',
            array_filter($items, static fn ($t) => !str_starts_with($t, '@internal'))
        )) . '</ul>';
    }
    $html = '';
    foreach (preg_split('/^```\w*\n(.*?)^```$/ms', $text, -1, PREG_SPLIT_DELIM_CAPTURE) as $i => $part) {
        if ($i % 2 === 1) {
            $html .= '<pre>' . htmlspecialchars(rtrim($part)) . '</pre>';
            continue;
        }
        foreach (preg_split('/\n\s*\n/', trim($part)) as $para) {
            if ($para === '') {
                continue;
            }
            $p = htmlspecialchars($para);
            $p = preg_replace('/`([^`]+)`/', '<code>$1</code>', $p);
            $html .= "<p>$p</p>";
        }
    }
    return $html . $tags;
};

$typeStr = static fn (?ReflectionType $t): string => $t === null ? '' : (string) $t;

$signature = static function (ReflectionMethod $m) use ($typeStr): string {
    $params = [];
    foreach ($m->getParameters() as $p) {
        $s = $typeStr($p->getType());
        $s .= ($s === '' ? '' : ' ') . ($p->isVariadic() ? '...' : '')
            . ($p->isPassedByReference() ? '&' : '') . '$' . $p->getName();
        if ($p->isDefaultValueAvailable()) {
            $s .= ' = ' . ($p->isDefaultValueConstant() ? $p->getDefaultValueConstantName()
                : var_export($p->getDefaultValue(), true));
        }
        $params[] = $s;
    }
    $mods = implode(' ', Reflection::getModifierNames($m->getModifiers()));
    $ret = $m->hasReturnType() ? ': ' . $typeStr($m->getReturnType()) : '';
    return "$mods function {$m->getName()}(" . implode(', ', $params) . ")$ret";
};

$nav = [];
$body = [];
$documented = 0;
foreach ($classes as $c) {
    $name = $c->getName();
    if ($internal($c->getDocComment())) {
        continue;
    }
    if ($c->getDocComment() === false) {
        $problems[] = "class $name";
    }
    $kind = $c->isInterface() ? 'interface' : ($c->isEnum() ? 'enum' : ($c->isTrait() ? 'trait' : 'class'));
    $mods = $c->isFinal() && !$c->isEnum() ? 'final ' : ($c->isAbstract() && !$c->isInterface() ? 'abstract ' : '');
    $decl = $mods . $kind . ' ' . $c->getShortName();
    if ($c->getParentClass()) {
        $decl .= ' extends \\' . $c->getParentClass()->getName();
    }
    if ($c->getInterfaceNames() && !$c->isEnum()) {
        $decl .= ($c->isInterface() ? ' extends \\' : ' implements \\') . implode(', \\', $c->getInterfaceNames());
    }
    $id = str_replace('\\', '-', $name);
    $nav[] = "<li><a href=\"#$id\">" . htmlspecialchars($name) . '</a></li>';
    $s = "<section><h2 id=\"$id\">" . htmlspecialchars($name) . '</h2><pre>' . htmlspecialchars($decl) . '</pre>'
        . $docHtml($c->getDocComment());

    $ownedBy = static fn ($member) => $member->getDeclaringClass()->getName() === $name;
    $consts = array_filter($c->getReflectionConstants(), static fn ($k) => $k->isPublic() && $ownedBy($k));
    if ($c->isEnum()) {
        $cases = array_map(static fn ($k) => $k->getName(), $c->getReflectionConstants());
        $s .= '<h3>Cases</h3><pre>' . htmlspecialchars(implode("\n", array_map(static function ($case) use ($name) {
            $v = constant("$name::$case");
            return "case $case" . ($v instanceof BackedEnum ? ' = ' . var_export($v->value, true) : '');
        }, $cases))) . '</pre>';
        $consts = [];
    }
    if ($consts) {
        $s .= '<h3>Constants</h3><dl>';
        foreach ($consts as $k) {
            $s .= '<dt><code>' . htmlspecialchars("{$k->getName()} = " . var_export($k->getValue(), true))
                . '</code></dt><dd>'
                . $docHtml($k->getDocComment()) . '</dd>';
        }
        $s .= '</dl>';
    }
    $props = array_filter($c->getProperties(ReflectionProperty::IS_PUBLIC), $ownedBy);
    if ($props && !$c->isEnum()) {
        $s .= '<h3>Properties</h3><dl>';
        foreach ($props as $p) {
            $mods = implode(' ', Reflection::getModifierNames($p->getModifiers()));
            $decl = trim("$mods " . $typeStr($p->getType())) . ' $' . $p->getName();
            $s .= '<dt><code>' . htmlspecialchars($decl) . '</code></dt><dd>'
                . $docHtml($p->getDocComment()) . '</dd>';
        }
        $s .= '</dl>';
    }
    $methods = array_filter($c->getMethods(ReflectionMethod::IS_PUBLIC), static fn ($m) => $ownedBy($m)
        && !($c->isEnum() && in_array($m->getName(), ['cases', 'from', 'tryFrom'], true)));
    $methods = array_filter($methods, static fn ($m) => !$internal($m->getDocComment()));
    if ($methods) {
        $s .= '<h3>Methods</h3>';
        foreach ($methods as $m) {
            $magic = ['__destruct', '__clone', '__wakeup', '__serialize', '__unserialize'];
            if ($m->getDocComment() === false && !in_array($m->getName(), $magic, true)) {
                $problems[] = "method $name::{$m->getName()}()";
            }
            $s .= '<h4 id="' . $id . '--' . $m->getName() . '"><code>' . htmlspecialchars($m->getName())
                . '</code></h4><pre>'
                . htmlspecialchars($signature($m)) . '</pre>' . $docHtml($m->getDocComment());
        }
    }
    $body[] = $s . '</section>';
    $documented++;
}

$stale = array_diff($knownUndocumented, $problems);
$problems = array_merge(
    array_values(array_diff($problems, $knownUndocumented)),
    array_map(static fn ($p) => "$p is documented now: remove it from \$knownUndocumented", array_values($stale))
);
if ($problems) {
    fwrite(STDERR, 'php docs: ' . count($problems) . " public items without a docblock:\n  "
        . implode("\n  ", $problems) . "\n");
    exit(1);
}

$version = Siteverify\Abi::VERSION;
@mkdir($out, 0o755, true);
file_put_contents("$out/index.html", '<!doctype html><meta charset=utf-8><title>siteverify PHP reference</title>'
    . '<style>body{font:15px/1.5 system-ui;max-width:60rem;margin:2rem auto}'
    . 'pre{background:#f5f5f5;padding:.5rem;overflow:auto}'
    . 'section{border-top:1px solid #ddd;margin-top:2rem}h4{margin-bottom:0}'
    . 'ul.tags{list-style:none;padding-left:0}</style>'
    . '<p><a href="../index.html">siteverify reference</a></p>'
    . "<h1>siteverify/siteverify $version: PHP reference</h1>"
    . '<p>From the docblocks of <code>src/</code> (namespace <code>Siteverify</code>), read through Reflection '
    . '(<code>bindings-php/scripts/docs.php</code>); <code>@internal</code> classes and methods are left out. '
    . 'The framework integrations (<code>Siteverify\\Integration\\…</code>) are described in the README.</p>'
    . '<ul>' . implode('', $nav) . '</ul>' . implode("\n", $body));
echo "php docs: $documented classes, every public class and method documented\n";
