<?php

declare(strict_types=1);

namespace Siteverify\Tests;

use PHPUnit\Framework\TestCase;
use Siteverify\Options;
use Siteverify\Outcome;

/** README.md shows the example that `make test` runs, and documents every option and field. */
final class ReadmeTest extends TestCase
{
    private static function readme(): string
    {
        return (string) file_get_contents(dirname(__DIR__) . '/README.md');
    }

    public function testTheFormHandlerIsTheExampleFile(): void
    {
        $marker = '<!-- examples/form-handler/index.php -->';
        $readme = self::readme();
        $at = strpos($readme, $marker);
        self::assertNotFalse($at, "README.md lost its $marker marker");
        self::assertSame(1, preg_match('/\G\s*```php\n(.*?)```/s', $readme, $m, 0, $at + strlen($marker)));
        self::assertSame((string) file_get_contents(dirname(__DIR__) . '/examples/form-handler/index.php'), $m[1]);
    }

    /**
     * The core's options (the top-level README's table, generated from the core by siteverify-vocab)
     * and this package's own keys are exactly the rows of this README's options table, durations
     * spelled with their unit (`timeout` as `timeout_ms`, `max_age` as `max_age_seconds`).
     */
    public function testEveryOptionIsDocumented(): void
    {
        $top = (string) file_get_contents(dirname(__DIR__, 2) . '/README.md');
        self::assertSame(1, preg_match('/<!-- BEGIN GENERATED options.*?-->\n(.*?)<!-- END GENERATED options -->/s', $top, $m));
        preg_match_all('/^\| `([a-z_]+)` \| ([^|]+) \|/m', $m[1], $rows, PREG_SET_ORDER);
        self::assertGreaterThan(15, count($rows));
        $want = Options::PACKAGE_KEYS;
        foreach ($rows as [, $name, $kind]) {
            $want[] = match ($name) {
                'max_age' => 'max_age_seconds',
                default => trim($kind) === 'duration' ? $name . '_ms' : $name,
            };
        }
        $readme = self::readme();
        $section = substr($readme, (int) strpos($readme, "## Options\n"));
        $section = substr($section, 0, (int) strpos($section, "\n## ", 3));
        preg_match_all('/^\| `([a-z_]+)` \|/m', $section, $documented);
        sort($want);
        $have = $documented[1];
        sort($have);
        self::assertSame($want, $have, 'README.md "Options" rows against the core\'s options and Options::PACKAGE_KEYS');
    }

    public function testEveryOutcomeFieldIsDocumented(): void
    {
        foreach ((new \ReflectionClass(Outcome::class))->getProperties() as $property) {
            self::assertStringContainsString("| `{$property->getName()}` |", self::readme(), $property->getName());
        }
    }
}
