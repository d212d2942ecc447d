<?php

declare(strict_types=1);

namespace Siteverify\Tests;

use PHPUnit\Framework\TestCase;
use Siteverify\Client;
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

    public function testEveryOptionIsDocumented(): void
    {
        $options = (new \ReflectionClassConstant(Client::class, 'OPTIONS'))->getValue();
        self::assertIsArray($options);
        foreach (array_keys($options) as $option) {
            self::assertStringContainsString("| `$option` |", self::readme(), "option $option");
        }
    }

    public function testEveryOutcomeFieldIsDocumented(): void
    {
        foreach ((new \ReflectionClass(Outcome::class))->getProperties() as $property) {
            self::assertStringContainsString("| `{$property->getName()}` |", self::readme(), $property->getName());
        }
    }
}
