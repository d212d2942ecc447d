<?php

declare(strict_types=1);

namespace Siteverify\Tests\Integration\Support;

use Illuminate\Container\Container;
use Illuminate\Contracts\Debug\ExceptionHandler;
use Illuminate\Contracts\Http\Kernel as KernelContract;
use Illuminate\Foundation\Application;
use Illuminate\Foundation\Exceptions\Handler;
use Illuminate\Foundation\Http\Kernel;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\Facade;
use Symfony\Component\HttpFoundation\Response;

/**
 * A minimal Laravel application: Foundation's Application and HTTP Kernel, its exception
 * Handler, config files in a temporary base path (config/siteverify.php holds the Client
 * options), the package's service provider, and one route validating with the rule.
 */
final class LaravelApp
{
    private readonly string $base;
    private readonly KernelContract $kernel;

    /** @param array<string, mixed> $options */
    public function __construct(array $options)
    {
        $this->base = sys_get_temp_dir() . '/siteverify-laravel-' . bin2hex(random_bytes(6));
        foreach (['config', 'bootstrap/cache', 'storage/framework/views'] as $dir) {
            mkdir("$this->base/$dir", 0700, true);
        }
        $config = [
            'app' => [
                'name' => 'siteverify-test', 'env' => 'testing', 'debug' => false, 'aliases' => [],
                'providers' => [
                    \Illuminate\Foundation\Providers\FoundationServiceProvider::class,
                    \Illuminate\Filesystem\FilesystemServiceProvider::class,
                    \Illuminate\Translation\TranslationServiceProvider::class,
                    \Illuminate\Validation\ValidationServiceProvider::class,
                    \Illuminate\View\ViewServiceProvider::class,
                    \Siteverify\Integration\Laravel\SiteverifyServiceProvider::class,
                ],
            ],
            'view' => ['paths' => [], 'compiled' => "$this->base/storage/framework/views"],
            'siteverify' => $options,
        ];
        foreach ($config as $name => $values) {
            file_put_contents("$this->base/config/$name.php", '<?php return ' . var_export($values, true) . ';');
        }

        $app = new Application($this->base);
        $app->singleton(KernelContract::class, Kernel::class);
        $app->singleton(ExceptionHandler::class, Handler::class);
        $app['router']->post('/contact', static function (Request $request): array {
            $valid = $request->validate(['captchaToken' => 'siteverify', 'message' => 'nullable|string']);
            $outcome = $request->attributes->get('siteverify.outcome');
            return ['reason' => $outcome->reason, 'action' => $outcome->action, 'message' => $valid['message'] ?? null];
        });
        $this->kernel = $app->make(KernelContract::class);
    }

    public function handle(Request $request): Response
    {
        $response = $this->kernel->handle($request);
        $this->kernel->terminate($request, $response);
        return $response;
    }

    /** Undoes what bootstrapping a Laravel application sets process-wide. */
    public function close(): void
    {
        restore_error_handler();
        restore_exception_handler();
        Facade::clearResolvedInstances();
        Facade::setFacadeApplication(null);
        Container::setInstance(null);
        foreach (['config', 'bootstrap/cache', 'storage/framework/views', 'storage/framework', 'storage', 'bootstrap'] as $dir) {
            array_map('unlink', glob("$this->base/$dir/*.php") ?: []);
            @rmdir("$this->base/$dir");
        }
        @rmdir($this->base);
    }
}
